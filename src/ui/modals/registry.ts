import type React from 'react';
import type { Store } from '../../store/index.js';
import type { Snapshot } from '../snapshot.js';
import { HelpModal } from './Help.js';
import { BootTestModal } from './boot-test/BootTest.js';
import { VmcoreModal } from './vmcore/Vmcore.js';

export interface ModalProps {
  store: Store;
  snapshot: Snapshot;
  width: number;
  /** Lines the modal may use, its title included. */
  height: number;
  close: () => void;
}

export interface ModalSpec {
  title: string;
  component: React.ComponentType<ModalProps>;
  /** Has text fields: only Esc closes it, and its own key is typed like any other. */
  textInput?: boolean;
}

/**
 * Key -> modal. A modal owns its keys while it is open (useInput inside it); Esc, its own key again
 * and Ctrl+C are handled by the app. Adding one is one row here.
 */
export const MODALS: Record<string, ModalSpec> = {
  '?': { title: 'Help', component: HelpModal },
  b: { title: 'Boot test', component: BootTestModal, textInput: true },
  v: { title: 'Vmcore report', component: VmcoreModal, textInput: true },
};
