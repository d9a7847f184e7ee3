/** The panic marker the native back ends print (arch/ppc64/common/panic.ts), run in Node. */
import { expect } from 'chai';
import { PANIC_MARKER_MAX, panicMarker } from '../../arch/ppc64/common/panic';

function marker(status: number): string {
  const out = new Uint8Array(PANIC_MARKER_MAX);
  const n = panicMarker(out, status);
  return String.fromCharCode(...out.subarray(0, n));
}

describe('arch/ppc64/common/panic', () => {
  it('panicMarker: status in decimal after the fixed prefix', () => {
    expect(marker(1)).to.equal('[hv] PANIC: exit status 1');
    expect(marker(42)).to.equal('[hv] PANIC: exit status 42');
    expect(marker(-3)).to.equal('[hv] PANIC: exit status -3');
  });

  it('panicMarker: the longest status fits PANIC_MARKER_MAX', () => {
    expect(marker(-Number.MAX_SAFE_INTEGER)).to.equal('[hv] PANIC: exit status -9007199254740991');
    expect(marker(-Number.MAX_SAFE_INTEGER).length).to.be.at.most(PANIC_MARKER_MAX);
  });
});
