import './hg-checkout-app.js';
