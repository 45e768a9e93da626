import './hg-admin-app.js';
