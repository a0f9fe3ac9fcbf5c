import type React from 'react';
import type { Store } from '../../store/index.js';
import type { Snapshot } from '../snapshot.js';

// What a window (modal) gets from the app and how the registry describes one. Its own module so that
// the windows need not import the registry, which imports them.

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
