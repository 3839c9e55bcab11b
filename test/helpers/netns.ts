/**
 * A host of our own for network-fault tests: a Linux network namespace joined to this one by one veth
 * pair per link, each on its own /30. `cut` makes a link drop every packet both ways (a zero-length
 * queue on each end: no reset, no ICMP, just silence, as when a route or a firewall black-holes
 * traffic); `restore` lets it through again. Needs root and iproute2.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

export interface Link {
  /** This side's address: servers the namespaced process must reach bind here. */
  hostIp: string;
  /** The namespace's address on this link. */
  peerIp: string;
  hostDevice: string;
  peerDevice: string;
}

function ip(args: string[], allowFailure = false): string {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0 && !allowFailure) throw new Error(`ip ${args.join(' ')}: ${result.stderr || result.error?.message}`);
  return result.stdout;
}

function tc(args: string[], netns?: string): void {
  const command = netns ? ['ip', 'netns', 'exec', netns, 'tc', ...args] : ['tc', ...args];
  const result = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command.join(' ')}: ${result.stderr || result.error?.message}`);
}

export class NetworkHost {
  readonly #links = new Map<string, Link>();

  private constructor(readonly name: string) {}

  /** Why network namespaces cannot be made here, or false when they can (node:test's `skip`). */
  static skipReason(): string | false {
    if (process.getuid?.() !== 0) return 'network namespaces need root';
    try {
      const probe = NetworkHost.create(['probe']);
      probe.cut('probe');
      probe.destroy();
      return false;
    } catch (error) {
      return `no network namespaces with veth and tc here: ${(error as Error).message.split('\n')[0]}`;
    }
  }

  static create(linkNames: string[]): NetworkHost {
    const tag = randomInt(0x10000, 0xfffff).toString(16);
    const host = new NetworkHost(`wo-${tag}`);
    ip(['netns', 'add', host.name]);
    try {
      ip(['netns', 'exec', host.name, 'ip', 'link', 'set', 'lo', 'up']);
      const subnet = randomInt(100, 250);
      linkNames.forEach((linkName, i) => {
        const link: Link = { hostIp: `10.${subnet}.${i * 4}.1`, peerIp: `10.${subnet}.${i * 4}.2`, hostDevice: `wo${tag}${i}h`, peerDevice: `wo${tag}${i}p` };
        ip(['link', 'add', link.hostDevice, 'type', 'veth', 'peer', 'name', link.peerDevice]);
        ip(['link', 'set', link.peerDevice, 'netns', host.name]);
        ip(['addr', 'add', `${link.hostIp}/30`, 'dev', link.hostDevice]);
        ip(['link', 'set', link.hostDevice, 'up']);
        ip(['netns', 'exec', host.name, 'ip', 'addr', 'add', `${link.peerIp}/30`, 'dev', link.peerDevice]);
        ip(['netns', 'exec', host.name, 'ip', 'link', 'set', link.peerDevice, 'up']);
        host.#links.set(linkName, link);
      });
    } catch (error) {
      host.destroy();
      throw error;
    }
    return host;
  }

  link(name: string): Link {
    const link = this.#links.get(name);
    if (!link) throw new Error(`no link ${name}`);
    return link;
  }

  /** The command line that runs `command` inside the namespace (the process keeps its environment). */
  wrap(command: string, args: string[]): [string, string[]] {
    return ['ip', ['netns', 'exec', this.name, command, ...args]];
  }

  /** From now on every packet on this link is dropped, both ways. */
  cut(name: string): void {
    const link = this.link(name);
    tc(['qdisc', 'add', 'dev', link.hostDevice, 'root', 'pfifo', 'limit', '0']);
    tc(['qdisc', 'add', 'dev', link.peerDevice, 'root', 'pfifo', 'limit', '0'], this.name);
  }

  restore(name: string): void {
    const link = this.link(name);
    tc(['qdisc', 'del', 'dev', link.hostDevice, 'root']);
    tc(['qdisc', 'del', 'dev', link.peerDevice, 'root'], this.name);
  }

  /** Removes the namespace and with it both ends of every link. */
  destroy(): void {
    ip(['netns', 'del', this.name], true);
    for (const link of this.#links.values()) ip(['link', 'del', link.hostDevice], true);
  }
}
