// Where a channel may ask us to send webhooks. In production: https only, and never to an address
// inside a private network (SSRF): every address the host name resolves to must be public, checked
// when the subscription is made and again before each delivery. In local mode: https anywhere, or
// http to this machine (localhost, 127.0.0.1, ::1) for a developer's listener.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export type WebhookUrlMode = 'local' | 'production';
export type Resolve = (host: string) => Promise<string[]>;

export const resolveHost: Resolve = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

/** An address no webhook may reach in production (loopback, private, link-local, CGNAT, multicast…). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPrivateAddress(mapped);
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why the URL may not receive webhooks, in Chinese and English; null when it may. */
export async function webhookUrlProblem(
  raw: string,
  mode: WebhookUrlMode,
  resolve: Resolve = resolveHost,
): Promise<{ zh: string; en: string } | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { zh: '不是有效的网址', en: 'is not a valid URL' };
  }
  if (url.username || url.password)
    return { zh: '网址不得含用户名或密码', en: 'must not carry a user name or password' };
  if (url.hash) return { zh: '网址不得含 # 片段', en: 'must not carry a #fragment' };
  if (mode === 'local') {
    if (url.protocol === 'https:') return null;
    if (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname)) return null;
    return { zh: '须为 https，或本机的 http 地址', en: 'must be https, or http on this machine' };
  }
  if (url.protocol !== 'https:') return { zh: '生产环境须为 https', en: 'must be https in production' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch {
    return { zh: '主机名无法解析', en: 'has a host name that does not resolve' };
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress))
    return { zh: '不得指向内网或本机地址', en: 'must not point into a private network or this machine' };
  return null;
}
