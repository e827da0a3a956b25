import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';

/**
 * Zip archives for Lambda, written in-process. cdktf's own `AssetType.ARCHIVE` starts a Node
 * process per asset (120–250 ms each here, most of a synth of ~50 functions); this writes the
 * same standard zip (deflate, UTF-8 names, Unix permissions 644 for files and 755 for folders,
 * as Lambda wants them) in milliseconds. Entries are sorted and dated 1980-01-01, so the same
 * files always give the same bytes: an unchanged bundle never shows as a code change in a plan.
 */

export interface ZipEntry {
  /** POSIX path inside the archive; a folder ends in `/`. */
  path: string;
  /** The file's content; none for a folder. */
  data?: Buffer;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** Version 2.0 (deflate), made on Unix, so that the external attributes carry permissions. */
const VERSION_NEEDED = 20;
const VERSION_MADE_BY = (3 << 8) | VERSION_NEEDED;
const UTF8_NAMES = 0x0800;
/** MS-DOS date of 1980-01-01, the earliest a zip can hold; time 00:00. */
const DOS_DATE = (1 << 5) | 1;
const DOS_TIME = 0;
const FILE_MODE = 0o100644;
const FOLDER_MODE = 0o040755;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A zip of `entries`, in path order. */
export function zipArchive(entries: readonly ZipEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (sorted.length > 0xffff) throw new Error(`a zip without ZIP64 holds at most 65535 entries, not ${sorted.length}`);
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of sorted) {
    const folder = entry.path.endsWith('/');
    const name = Buffer.from(entry.path, 'utf8');
    const data = folder ? Buffer.alloc(0) : (entry.data ?? Buffer.alloc(0));
    const body = folder ? data : deflateRawSync(data, { level: 9 });
    const method = folder ? 0 : 8;
    const crc = crc32(data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, body);

    const header = Buffer.alloc(46);
    header.writeUInt32LE(CENTRAL_HEADER, 0);
    header.writeUInt16LE(VERSION_MADE_BY, 4);
    header.writeUInt16LE(VERSION_NEEDED, 6);
    header.writeUInt16LE(UTF8_NAMES, 8);
    header.writeUInt16LE(method, 10);
    header.writeUInt16LE(DOS_TIME, 12);
    header.writeUInt16LE(DOS_DATE, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(body.length, 20);
    header.writeUInt32LE(data.length, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(((folder ? FOLDER_MODE : FILE_MODE) << 16) >>> 0, 38);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    offset += local.length + name.length + body.length;
  }
  const centralSize = central.reduce((size, part) => size + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}

/** The folders and files under `dir` as zip entries, their paths relative to `dir` under `prefix`. */
export function directoryEntries(dir: string, prefix = ''): ZipEntry[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry): ZipEntry[] => {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory()) return [{ path: `${path}/` }, ...directoryEntries(join(dir, entry.name), `${path}/`)];
    return entry.isFile() ? [{ path, data: readFileSync(join(dir, entry.name)) }] : [];
  });
}
