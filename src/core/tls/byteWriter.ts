// Big-endian bytes written into one growing buffer, with length prefixes filled in once their
// body is written: a hello costs one allocation, not one small Buffer per field (a hundred
// small Buffers made each hello a millisecond of work before the JIT warmed up).
export class ByteWriter {
  private buf = Buffer.allocUnsafe(512);
  private at = 0;

  u8(n: number): this {
    this.room(1);
    this.buf[this.at++] = n & 0xff;
    return this;
  }

  u16(n: number): this {
    this.room(2);
    this.buf.writeUInt16BE(n & 0xffff, this.at);
    this.at += 2;
    return this;
  }

  u24(n: number): this {
    this.room(3);
    this.buf.writeUIntBE(n & 0xffffff, this.at, 3);
    this.at += 3;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
    return this;
  }

  /** Each value as a u16. */
  u16s(values: readonly number[]): this {
    for (const v of values) this.u16(v);
    return this;
  }

  /** Writes `body`, preceded by its length in `width` bytes. */
  sized(width: 1 | 2 | 3, body: (w: this) => void): this {
    this.room(width);
    const start = this.at;
    this.at += width;
    body(this);
    const length = this.at - start - width;
    if (length >= 2 ** (8 * width)) throw new RangeError(`${length} bytes do not fit a ${width}-byte length`);
    this.buf.writeUIntBE(length, start, width);
    return this;
  }

  /** The bytes written, in a buffer of their own. */
  done(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.at));
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }
}
