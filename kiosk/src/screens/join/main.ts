import './hg-join-app.js';
