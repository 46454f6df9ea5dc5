import type { Format } from './messages.js';
import { frameOf, wsFrame, type Piece } from './pieces.js';

/**
 * The WebSocket frames of the current window: one per distinct set of keys and format, built from the
 * encoded pieces on first use and then written as they are to every client that needs that set.
 */
export class WindowFrames {
  /** Frames built since start. */
  builds = 0;
  /** Frames carrying several pieces, by format and keys; a single piece keeps its frame on itself. */
  private readonly joined = new Map<string, Uint8Array>();

  /** Forgets the joined frames: a new window's pieces replace the old ones. */
  clear(): void {
    this.joined.clear();
  }

  frameFor(pieces: Piece[], format: Format): Uint8Array {
    if (pieces.length === 1) {
      const piece = pieces[0]!;
      const framed = (piece.framed ??= {});
      return (framed[format] ??= this.build(pieces, format));
    }
    const signature = `${format}\u0001${pieces.map((p) => p.key).join('\u0001')}`;
    let frame = this.joined.get(signature);
    if (!frame) this.joined.set(signature, (frame = this.build(pieces, format)));
    return frame;
  }

  private build(pieces: Piece[], format: Format): Uint8Array {
    this.builds++;
    return wsFrame(frameOf(pieces, format), format);
  }
}
