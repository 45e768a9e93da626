import './hg-lookup-app.js';
