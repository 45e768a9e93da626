import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import iconv from 'iconv-lite';

/**
 * The few zip files the providers send (Alipay's bill: two CSV files, stored or deflated, no
 * encryption, no zip64), read and written with node's zlib: no zip package is among the
 * dependencies, and this much of the format is small. Anything else is refused, not guessed.
 */

export interface ZipEntry {
  name: string;
  data: Buffer;
}

const END = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** A bill of a shop's day is kilobytes; this bounds what a hostile file could inflate to. */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;
/** Bit 11 of the flags: the name is UTF-8; otherwise Chinese tools write it in GBK. */
const UTF8_NAME = 0x0800;

export class ZipError extends Error {}

function endRecord(zip: Buffer): number {
  // The end record is the last 22 bytes, unless a comment (at most 65,535 bytes) follows it.
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === END) return at;
  }
  throw new ZipError('not a zip file');
}

/** Every file in `zip`, its CRC checked. */
export function readZip(zip: Buffer): ZipEntry[] {
  const end = endRecord(zip);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL) throw new ZipError('broken directory');
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const packed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const rawName = zip.subarray(at + 46, at + 46 + nameLength);
    const name = flags & UTF8_NAME ? rawName.toString('utf8') : iconv.decode(rawName, 'gbk');
    if (flags & 0x0001) throw new ZipError(`${name} is encrypted`);
    if (size > MAX_ENTRY_BYTES) throw new ZipError(`${name} is too large`);
    if (zip.readUInt32LE(local) !== LOCAL) throw new ZipError(`${name}: broken local header`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const stored = zip.subarray(start, start + packed);
    let data: Buffer;
    if (method === 0) data = Buffer.from(stored);
    else if (method === 8) data = inflateRawSync(stored, { maxOutputLength: MAX_ENTRY_BYTES });
    else throw new ZipError(`${name}: compression method ${method}`);
    if (data.length !== size || crc32(data) !== crc) throw new ZipError(`${name}: checksum differs`);
    entries.push({ name, data });
    at += 46 + skip;
  }
  return entries;
}

/** A zip of `entries`, deflated, names in UTF-8 (the simulator's bill). */
export function writeZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const packed = deflateRawSync(data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(UTF8_NAME, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(UTF8_NAME, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
