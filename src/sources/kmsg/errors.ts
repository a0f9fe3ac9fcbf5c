/** Why the kernel log could not be read, and what fixes it. */
export class KmsgUnavailableError extends Error {
  constructor(
    readonly code: string,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'KmsgUnavailableError';
  }
}

const CONTAINER_FIX =
  'in a container, pass the device in: `docker run --device /dev/kmsg` (docker-compose: `devices: ["/dev/kmsg:/dev/kmsg"]`; ' +
  'Kubernetes/Helm: a hostPath volume for /dev/kmsg of type CharDevice, and `securityContext.privileged: true` where cgroup v2 device rules block it)';

const PERM_FIX =
  'kernel.dmesg_restrict=1 lets only processes with CAP_SYSLOG read the kernel log: run as root, or `sysctl -w kernel.dmesg_restrict=0`, ' +
  'or in a container add the capability (`docker run --cap-add SYSLOG`; Kubernetes: `securityContext.capabilities.add: ["SYSLOG"]`); ' +
  'kernel.printk_devkmsg=off (or printk.devkmsg=off on the kernel command line) also refuses every reader';

/** Turns an open()/read() failure on the kmsg device into a message that names the cause and the fix. */
export function explainKmsgError(code: string | undefined, path: string): KmsgUnavailableError {
  switch (code) {
    case 'ENOENT':
      return new KmsgUnavailableError(
        'ENOENT',
        path,
        `${path} does not exist (the kernel log device is not mounted here): ${CONTAINER_FIX}`,
      );
    case 'EPERM':
    case 'EACCES':
      return new KmsgUnavailableError(code, path, `${path}: permission denied (${code}): ${PERM_FIX}`);
    case 'ENODEV':
    case 'ENXIO':
      return new KmsgUnavailableError(
        code,
        path,
        `${path}: no such device (${code}): the node exists but the kernel does not serve it; ${CONTAINER_FIX}`,
      );
    case 'NOTKMSG':
      return new KmsgUnavailableError(
        'NOTKMSG',
        path,
        `${path} is not the kernel log device (expected character device 1:11; some container runtimes bind-mount /dev/null over it): ${CONTAINER_FIX}`,
      );
    case 'EINVAL':
      return new KmsgUnavailableError(
        'EINVAL',
        path,
        `${path} opens but every read fails (EINVAL): the kernel is older than 3.5 and has no record interface there`,
      );
    default:
      return new KmsgUnavailableError(code ?? 'EIO', path, `${path}: cannot read the kernel log (${code ?? 'unknown error'})`);
  }
}
