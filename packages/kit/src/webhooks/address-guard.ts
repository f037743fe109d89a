import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface AddressGuardOptions {
  /** Plain `http://` URLs too (development only); default `https` alone. */
  readonly allowHttp?: boolean;
  /**
   * Addresses or CIDRs admitted although not public (`127.0.0.1`, `10.0.0.0/8`, `::1`).
   * Exactly what is listed: `127.0.0.1` does not admit `127.0.0.2`.
   */
  readonly allowlist?: readonly string[];
}

/**
 * Decides which webhook destinations may be contacted (SSRF guard). Only globally routable
 * unicast addresses pass: loopback, private, link-local (cloud metadata 169.254.169.254),
 * CGNAT, multicast, unspecified, unique-local (fd00:ec2::254), reserved and the IPv6
 * translation ranges are refused unless allow-listed. IPv4-mapped IPv6 is judged as the
 * IPv4 address it spells.
 */
export interface AddressGuard {
  /** Why this URL may not be called as written, or undefined; checks scheme and literal addresses. */
  checkUrl(url: string): string | undefined;
  /** Why this resolved address may not be connected to, or undefined. */
  checkAddress(address: string): string | undefined;
}

/** Parses allow-list entries; throws naming the first bad one (config validation uses it). */
export function parseAllowlist(entries: readonly string[]): [Address, number][] {
  return entries.map((entry) => {
    const text = entry.trim();
    try {
      if (text.includes('/')) {
        const [address, bits] = ipaddr.parseCIDR(text);
        return [
          normalize(address),
          address.kind() === 'ipv6' && normalize(address).kind() === 'ipv4' ? bits - 96 : bits,
        ];
      }
      const address = normalize(ipaddr.parse(text));
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    } catch (error) {
      throw new TypeError(`not an IP address or CIDR: ${JSON.stringify(text)}`, { cause: error });
    }
  });
}

/** IPv4-mapped IPv6 (`::ffff:127.0.0.1`) becomes the IPv4 address it carries. */
function normalize(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? // Narrowed by kind() just above: ipaddr's union does not narrow on its own.
      (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/** The host of a URL as an IP literal (brackets removed), or undefined for a name. */
function literalOf(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : undefined;
}

export function createAddressGuard(options: AddressGuardOptions = {}): AddressGuard {
  const allowed = parseAllowlist(options.allowlist ?? []);
  const schemes = options.allowHttp === true ? ['https:', 'http:'] : ['https:'];

  function checkAddress(text: string): string | undefined {
    let address: Address;
    try {
      address = normalize(ipaddr.parse(text));
    } catch {
      return `not an IP address: ${text}`;
    }
    for (const [range, bits] of allowed) {
      if (range.kind() === address.kind() && address.match(range, bits)) return undefined;
    }
    const kind = address.range();
    return kind === 'unicast' ? undefined : `address ${address.toString()} is ${kind}, not a public address`;
  }

  return {
    checkAddress,
    checkUrl(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return 'not a URL';
      }
      if (!schemes.includes(parsed.protocol)) return `scheme ${parsed.protocol} is not allowed (${schemes.join(' ')})`;
      if (parsed.username !== '' || parsed.password !== '') return 'credentials in the URL are not allowed';
      // RFC 6761: every localhost name is loopback, whatever a resolver answers (or fails to).
      if (/^(.+\.)?localhost\.?$/i.test(parsed.hostname)) return `${parsed.hostname} is loopback`;
      // WHATWG URL parsing already turned 127.1, 0x7f.1 and 2130706433 into 127.0.0.1.
      const literal = literalOf(parsed.hostname);
      return literal === undefined ? undefined : checkAddress(literal);
    },
  };
}
