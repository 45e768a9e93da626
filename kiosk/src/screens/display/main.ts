import './hg-display-app.js';
