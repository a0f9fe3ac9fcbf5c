// Where the Python collector lives: python/ sits beside src/ and dist/ in the repository and in the
// installed package. Its own module so the plugin table can be read without loading execa.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'python');
