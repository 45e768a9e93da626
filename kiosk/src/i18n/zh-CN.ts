/**
 * The zh-CN catalogue. It is the reference: every other catalogue must have the same keys,
 * which the type `Catalogue` enforces at compile time.
 */
export const zhCN = {
  app: {
    brand: 'Hanger 衣架',
  },
  screen: {
    checkout: '收银台',
    display: '顾客显示屏',
    lookup: '自助查询',
    admin: '店主后台',
  },
  purpose: {
    checkout: '扫码收银、会员积分、打印小票',
    lookup: '扫描吊牌条码，查看价格、颜色和尺码',
    admin: '商品、库存、会员、促销和报表',
  },
  connection: {
    connecting: '正在连接服务器…',
    online: '服务器已连接',
    offline: '无法连接服务器',
    retrying: '将自动重试',
    indicator: '服务器连接状态',
  },
  server: {
    version: '服务器版本',
    unknownVersion: '—',
  },
  language: {
    switchTo: '切换语言',
    // The label shows the language you switch *to*, in that language.
    other: 'English',
  },
  display: {
    welcome: '欢迎光临',
  },
};
