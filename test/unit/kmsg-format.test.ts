import { describe, expect, it } from 'vitest';
import { escapeControls } from '../../src/sources/kmsg/format.js';

describe('escapeControls (text shown on a terminal)', () => {
  it('writes control bytes as \\xNN, as util-linux dmesg does, and keeps newlines, tabs and printable text', () => {
    expect(escapeControls('a\x1b]0;owned\x07b\x1b[2J\x1bc')).toBe('a\\x1b]0;owned\\x07b\\x1b[2J\\x1bc');
    expect(escapeControls('line one\n\tline two')).toBe('line one\n\tline two');
    expect(escapeControls('cr\rnul\0del\x7f')).toBe('cr\\x0dnul\\x00del\\x7f');
    // C1 controls (U+009B is CSI to some terminals) as the bytes of their UTF-8 form.
    expect(escapeControls('x\u009b2Jy')).toBe('x\\xc2\\x9b2Jy');
    expect(escapeControls('GPU 0 — température ✓ 日本')).toBe('GPU 0 — température ✓ 日本');
  });
});
