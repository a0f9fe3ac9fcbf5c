import type { CommandModule } from 'yargs';

export const monitorCommand: CommandModule = {
  command: '$0',
  describe: 'live monitor',
  handler: () => {
    process.stdout.write('kerntop\n');
  },
};
