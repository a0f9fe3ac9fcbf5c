import { HelpModal } from './Help.js';
import { BootTestModal } from './boot-test/BootTest.js';
import type { ModalProps, ModalSpec } from './types.js';
import { VmcoreModal } from './vmcore/Vmcore.js';

export type { ModalProps, ModalSpec } from './types.js';

/**
 * Key -> modal. A modal owns its keys while it is open (useInput inside it); Esc, its own key again
 * and Ctrl+C are handled by the app. Adding one is one row here. This is the only module that imports
 * the modals; they get what they need by props.
 */
export const MODALS: Record<string, ModalSpec> = {
  // Every registered window gets its line in the help, so a new modal is documented by registering it.
  '?': { title: 'Help', component: (p: ModalProps) => <HelpModal {...p} windows={windowKeys()} /> },
  b: { title: 'Boot test', component: BootTestModal, textInput: true },
  v: { title: 'Vmcore report', component: VmcoreModal, textInput: true },
};

function windowKeys(): [string, string][] {
  return Object.entries(MODALS)
    .filter(([k]) => k !== '?')
    .map(([k, m]): [string, string] => [k, m.title]);
}
