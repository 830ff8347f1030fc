// The official Kite Connect client (npm kiteconnect, `root` pointed at the sandbox) is the oracle of
// the REST sandbox's conformance: it logs in (checksum), reads profile, margins and the gzipped
// instruments dump, places, modifies and cancels orders, reads orders, order history, trades and
// positions, and logs out. Our client (src/kite/rest) then runs the same scenario against a fresh
// sandbox and must see the same market. Real sockets on 127.0.0.1; prices moved by hand.
import { afterEach, describe, expect, it } from 'vitest';
import { KiteConnect } from 'kiteconnect';
import { ManualPriceSource } from '../../src/kite/sandbox/price-source.js';
import { startRestSandbox, type RestSandbox } from '../../src/kite/sandbox/rest-server.js';
import { KiteRestClient } from '../../src/kite/rest/client.js';
import { orderTag } from '../../src/kite/rest/tag.js';
import { requestTokenFrom } from '../../src/kite/rest/checksum.js';
import { isAppError } from '../../src/errors.js';

const INFY = 408065;

let sandbox: RestSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(): Promise<{ sb: RestSandbox; prices: ManualPriceSource }> {
  const prices = new ManualPriceSource();
  prices.set(INFY, 157315);
  sandbox = await startRestSandbox({ prices });
  return { sb: sandbox, prices };
}

/** Follows the login page like a browser would, up to the redirect; returns the redirect URL. */
async function browserLogin(loginUrl: string): Promise<string> {
  const res = await fetch(loginUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return res.headers.get('location')!;
}

interface WireOrder {
  order_id: string;
  status: string;
  tag: string | null;
  filled_quantity: number;
  average_price: number;
  price: number;
  trigger_price: number;
}

describe('REST sandbox conformance: the official kiteconnect client', () => {
  it('logs in, trades, reads the book and logs out', async () => {
    const { sb, prices } = await start();
    // The official client does not pace itself; this scenario makes ~25 calls at once, over Kite's 10/s
    sb.faults.rateLimits = false;
    const kc = new KiteConnect({ api_key: sb.apiKey, root: sb.url });
    // The official client's login URL points at kite.zerodha.com; the sandbox serves the same path
    const officialLogin = new URL(kc.getLoginURL());
    expect(officialLogin.pathname).toBe('/connect/login');
    const redirect = await browserLogin(`${sb.url}/connect/login${officialLogin.search}`);
    const requestToken = new URL(redirect).searchParams.get('request_token')!;
    const session = await kc.generateSession(requestToken, sb.apiSecret);
    expect(session.access_token).toMatch(/^[0-9a-f]{32}$/);
    expect(session.user_id).toBe('AP0001');
    // A request token is single use, and a wrong secret fails the checksum
    await expect(kc.generateSession(requestToken, sb.apiSecret)).rejects.toMatchObject({ error_type: 'TokenException' });
    const rt2 = requestTokenFrom(await browserLogin(`${sb.url}/connect/login?v=3&api_key=${sb.apiKey}`))!;
    await expect(new KiteConnect({ api_key: sb.apiKey, root: sb.url }).generateSession(rt2, 'wrong')).rejects.toMatchObject({ error_type: 'TokenException' });

    expect((await kc.getProfile()).user_id).toBe('AP0001');
    expect((await kc.getMargins()).equity?.available.cash).toBe(1_000_000);
    const instruments = (await kc.getInstruments()) as unknown as Record<string, unknown>[];
    const infy = instruments.find((i) => i['tradingsymbol'] === 'INFY')!;
    expect(infy).toMatchObject({ instrument_token: String(INFY), exchange: 'NSE', tick_size: 0.05, lot_size: 1 });
    expect(instruments.find((i) => i['tradingsymbol'] === 'NIFTY 50')).toMatchObject({ segment: 'INDICES' });
    // papaparse turns the dump's final newline into one empty row; every real row is there
    const nfo = (await kc.getInstruments('NFO')) as unknown as Record<string, unknown>[];
    expect(nfo.filter((i) => i['tradingsymbol'] !== undefined).map((i) => [i['tradingsymbol'], i['lot_size']])).toEqual([['NIFTY26DECFUT', 75]]);

    const tag = orderTag('momentum:408065:1');
    const limitId = (await kc.placeOrder('regular', { exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'BUY', quantity: 10, product: 'CNC', order_type: 'LIMIT', price: 1500, tag })).order_id;
    await kc.modifyOrder('regular', limitId, { price: 1580 });
    prices.set(INFY, 157500); // crosses the modified limit: fills at 1575.00
    const marketId = (await kc.placeOrder('regular', { exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'SELL', quantity: 4, product: 'CNC', order_type: 'MARKET', tag: orderTag('k2') })).order_id;
    prices.set(INFY, 157600); // the market order's next price
    const stopId = (await kc.placeOrder('regular', { exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'SELL', quantity: 6, product: 'CNC', order_type: 'SL-M', trigger_price: 1560, tag: orderTag('k3') })).order_id;
    await kc.cancelOrder('regular', stopId);
    // Input errors come back as Kite's envelope
    await expect(kc.placeOrder('regular', { exchange: 'NSE', tradingsymbol: 'NOPE', transaction_type: 'BUY', quantity: 1, product: 'CNC', order_type: 'MARKET' })).rejects.toMatchObject({ error_type: 'InputException' });
    await expect(kc.placeOrder('regular', { exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'BUY', quantity: 1, product: 'CNC', order_type: 'LIMIT' })).rejects.toMatchObject({ error_type: 'InputException' });

    const orders = (await kc.getOrders()) as unknown as WireOrder[];
    expect(orders.map((o) => [o.order_id, o.status, o.tag])).toEqual([
      [limitId, 'COMPLETE', tag],
      [marketId, 'COMPLETE', orderTag('k2')],
      [stopId, 'CANCELLED', orderTag('k3')],
    ]);
    expect(orders[0]).toMatchObject({ filled_quantity: 10, average_price: 1575, price: 1580 });
    const history = (await kc.getOrderHistory(limitId)) as unknown as WireOrder[];
    expect(history.map((h) => h.status)).toEqual([
      'PUT ORDER REQ RECEIVED', 'VALIDATION PENDING', 'OPEN PENDING', 'OPEN',
      'MODIFY VALIDATION PENDING', 'MODIFY PENDING', 'MODIFIED', 'OPEN', 'COMPLETE',
    ]);
    const trades = (await kc.getTrades()) as unknown as { order_id: string; average_price: number; quantity: number }[];
    expect(trades.map((t) => [t.order_id, t.quantity, t.average_price])).toEqual([[limitId, 10, 1575], [marketId, 4, 1576]]);
    expect(((await kc.getOrderTrades(marketId)) as unknown as unknown[]).length).toBe(1);
    const positions = await kc.getPositions();
    expect(positions.net).toHaveLength(1);
    // Bought 10 @ 1575, sold 4 @ 1576, last 1576: pnl = 4×1 + 6×1 = 10 rupees
    expect(positions.net[0]).toMatchObject({ tradingsymbol: 'INFY', quantity: 6, buy_quantity: 10, sell_quantity: 4, pnl: 10, last_price: 1576 });

    await kc.invalidateAccessToken();
    await expect(kc.getOrders()).rejects.toMatchObject({ error_type: 'TokenException' });
  });
});

describe('our client passes the same scenario', () => {
  it('logs in, trades, reads the book in paise and logs out', async () => {
    const { sb, prices } = await start();
    const kite = new KiteRestClient({ apiKey: sb.apiKey, root: sb.url, loginRoot: sb.url });
    const requestToken = requestTokenFrom(await browserLogin(kite.loginUrl()))!;
    const session = await kite.generateSession(requestToken, sb.apiSecret);
    expect(session.userId).toBe('AP0001');
    expect(kite.hasSession).toBe(true);
    const reused = await kite.generateSession(requestToken, sb.apiSecret).catch((e: unknown) => e);
    expect(isAppError(reused, 'ERR_KITE_TOKEN')).toBe(true);
    // The secret never shows up in an error
    expect(JSON.stringify((reused as Error).message)).not.toContain(sb.apiSecret);

    expect((await kite.profile()).userId).toBe('AP0001');
    expect((await kite.margins()).equity?.available['cash']).toBe(100_000_000);
    expect((await kite.margins('equity')).equity?.net).toBe(100_000_000);
    const dump = await kite.instruments();
    expect(dump.errors).toEqual([]);
    expect(dump.instruments.find((i) => i.token === INFY)).toMatchObject({ tradingsymbol: 'INFY', tickSize: 5, lotSize: 1, lastPrice: 157315, tradable: true });
    expect(dump.instruments.find((i) => i.token === 256265)?.tradable).toBe(false);
    expect((await kite.instruments('NFO')).instruments.map((i) => i.lotSize)).toEqual([75]);

    const tag = orderTag('momentum:408065:1');
    const limitId = await kite.placeOrder({ exchange: 'NSE', tradingsymbol: 'INFY', transactionType: 'BUY', quantity: 10, product: 'CNC', orderType: 'LIMIT', price: 150_000, tag });
    await kite.modifyOrder({ orderId: limitId, exchange: 'NSE', price: 158_000 });
    prices.set(INFY, 157500);
    const marketId = await kite.placeOrder({ exchange: 'NSE', tradingsymbol: 'INFY', transactionType: 'SELL', quantity: 4, product: 'CNC', orderType: 'MARKET', tag: orderTag('k2') });
    prices.set(INFY, 157600);
    const stopId = await kite.placeOrder({ exchange: 'NSE', tradingsymbol: 'INFY', transactionType: 'SELL', quantity: 6, product: 'CNC', orderType: 'SL-M', triggerPrice: 156_000, tag: orderTag('k3') });
    await kite.cancelOrder(stopId);
    const unknown = await kite.placeOrder({ exchange: 'NSE', tradingsymbol: 'NOPE', transactionType: 'BUY', quantity: 1, product: 'CNC', orderType: 'MARKET', tag: 'x1' }).catch((e: unknown) => e);
    expect(isAppError(unknown, 'ERR_KITE_INPUT')).toBe(true);
    // Our client refuses a malformed order before sending it
    const local = await kite.placeOrder({ exchange: 'NSE', tradingsymbol: 'INFY', transactionType: 'BUY', quantity: 1, product: 'CNC', orderType: 'LIMIT', tag: 'x2' }).catch((e: unknown) => e);
    expect(isAppError(local, 'ERR_KITE_BAD_ARGUMENT')).toBe(true);

    const orders = await kite.orders();
    expect(orders.map((o) => [o.orderId, o.status, o.tag])).toEqual([
      [limitId, 'COMPLETE', tag],
      [marketId, 'COMPLETE', orderTag('k2')],
      [stopId, 'CANCELLED', orderTag('k3')],
    ]);
    expect(orders[0]).toMatchObject({ filledQuantity: 10, averagePrice: 157_500, price: 158_000, pendingQuantity: 0 });
    expect(orders[2]).toMatchObject({ triggerPrice: 156_000, cancelledQuantity: 6 });
    expect((await kite.orderHistory(limitId)).map((h) => h.status)).toEqual([
      'PUT ORDER REQ RECEIVED', 'VALIDATION PENDING', 'OPEN PENDING', 'OPEN',
      'MODIFY VALIDATION PENDING', 'MODIFY PENDING', 'MODIFIED', 'OPEN', 'COMPLETE',
    ]);
    expect((await kite.trades()).map((t) => [t.orderId, t.quantity, t.averagePrice])).toEqual([[limitId, 10, 157_500], [marketId, 4, 157_600]]);
    expect(await kite.orderTrades(marketId)).toHaveLength(1);
    const positions = await kite.positions();
    expect(positions.net[0]).toMatchObject({ tradingsymbol: 'INFY', quantity: 6, buyQuantity: 10, sellQuantity: 4, pnl: 1000, lastPrice: 157_600, buyValue: 1_575_000 });

    await kite.logout();
    expect(kite.hasSession).toBe(false);
    const after = await kite.orders().catch((e: unknown) => e);
    expect(isAppError(after, 'ERR_KITE_TOKEN')).toBe(true);
  });
});
