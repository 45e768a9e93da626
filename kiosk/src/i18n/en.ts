import type { Catalogue } from './catalogue.js';

/** The English catalogue; it must carry every key of the zh-CN one. */
export const en: Catalogue = {
  app: {
    brand: 'Hanger',
  },
  screen: {
    checkout: 'Checkout',
    display: 'Customer display',
    lookup: 'Self-service lookup',
    admin: 'Owner admin',
  },
  purpose: {
    checkout: 'Scan, take payment, award points, print the receipt',
    lookup: 'Scan a tag to see its price, colours and sizes',
    admin: 'Catalogue, stock, members, promotions and reports',
  },
  connection: {
    connecting: 'Connecting to the server…',
    online: 'Connected',
    offline: 'Cannot reach the server',
    retrying: 'Retrying automatically',
    indicator: 'Server connection',
  },
  server: {
    version: 'Server version',
    unknownVersion: '—',
  },
  language: {
    switchTo: 'Switch language',
    other: '中文',
  },
  display: {
    welcome: 'Welcome',
  },
};
