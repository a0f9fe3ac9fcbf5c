/**
 * The boot test could not run at all (missing tool, kernel or busybox): exit code 3. The message
 * names what is missing and how to get it.
 */
export class BootTestSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootTestSetupError';
  }
}
