// Rasterises a chart's SVG (views/chart.ts) to PNG on the server, headless, with resvg (a Rust SVG
// renderer) compiled to WebAssembly (@resvg/resvg-wasm): no compiler, no native binary, no canvas,
// no browser. It is loaded on the first render only: a process that never sends a chart never
// loads it. Fonts: the ones the machine has, found and read once, then handed to resvg from memory
// (README, A picture of the week). Chinese labels need a CJK font such as Debian's
// fonts-wqy-microhei or fonts-noto-cjk; without one they are drawn as boxes, and everything else
// still renders. (resvg's native build, @resvg/resvg-js, reads a font file from disk again for each
// glyph it draws: with a 5 MB Chinese font, 0.6 s a chart instead of about 0.1.)
import { existsSync, readdirSync, readFileSync, type Dirent } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** Pixels per SVG unit: sharp on a high-density screen, still small (about 100–150 kB). */
export const CHART_SCALE = 1.5;
const FONT_DIRS = ['/usr/share/fonts', '/usr/local/share/fonts', path.join(os.homedir(), '.fonts'), path.join(os.homedir(), '.local/share/fonts'), '/Library/Fonts', '/System/Library/Fonts', 'C:\\Windows\\Fonts'];
/** A face with Chinese glyphs, smallest file first (it is copied into resvg at every render). */
const CJK = [/^wqy-microhei/i, /^wqy-zenhei/i, /^NotoSansSC-Regular/i, /^NotoSansCJK-Regular/i, /^NotoSansCJKsc-Regular/i, /^SourceHanSans(SC|CN)?-Regular/i, /^DroidSansFallback/i, /^msyh\./i, /^simhei/i];
/** A Latin face, and its family name (resvg's default family). */
const LATIN: Array<[RegExp, string]> = [
  [/^DejaVuSans\.ttf$/i, 'DejaVu Sans'],
  [/^LiberationSans-Regular/i, 'Liberation Sans'],
  [/^NotoSans-Regular/i, 'Noto Sans'],
  [/^Arial\.ttf$/i, 'Arial'],
  [/^Helvetica/i, 'Helvetica'],
];

type Resvg = typeof import('@resvg/resvg-wasm');
interface Fonts {
  files: string[];
  /** The default family: the Latin face's. */
  family: string;
  chinese: boolean;
}
let loaded: Promise<{ resvg: Resvg; fonts: Fonts; buffers: Uint8Array[] }> | undefined;
let extraDirs: string[] = [];
let wasm: Promise<Resvg> | undefined;

function load() {
  // The WebAssembly module is initialised once per process; the fonts are found once (again after lookForFontsIn).
  wasm ??= import('@resvg/resvg-wasm').then(async (resvg) => {
    await resvg.initWasm(readFileSync(createRequire(import.meta.url).resolve('@resvg/resvg-wasm/index_bg.wasm')));
    return resvg;
  });
  loaded ??= wasm.then((resvg) => {
    const fonts = findFonts([...FONT_DIRS, ...extraDirs]);
    return { resvg, fonts, buffers: fonts.files.map((f) => readFileSync(f)) };
  });
  // A failed load is tried again at the next render.
  loaded.catch(() => {
    loaded = undefined;
    wasm = undefined;
  });
  return loaded;
}

/** The font files to draw with: a Latin face and, when the machine has one, a Chinese one. */
export function findFonts(dirs: readonly string[]): Fonts {
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 4 || !existsSync(dir)) return;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (/\.(ttf|otf|ttc)$/i.test(e.name)) files.push(p);
    }
  };
  for (const d of dirs) walk(d, 0);
  const latin = LATIN.map(([re, family]) => ({ file: files.find((f) => re.test(path.basename(f))), family })).find((l) => l.file);
  const cjk = CJK.map((re) => files.find((f) => re.test(path.basename(f)))).find((f) => f);
  return { files: [latin?.file, cjk].filter((f): f is string => !!f), family: latin?.family ?? '', chinese: !!cjk };
}

/** Looks for fonts in `dirs` too, from the next render on (the benchmark's Chinese font, unpacked where it cannot be installed). */
export function lookForFontsIn(dirs: readonly string[]): void {
  extraDirs = [...dirs];
  loaded = undefined;
}

/** Whether a Chinese font was found: without one, Chinese labels are drawn as boxes. */
export async function hasChineseFont(): Promise<boolean> {
  return (await load()).fonts.chinese;
}

/** The PNG of an SVG. Throws when resvg cannot load or the SVG cannot be read. */
export async function renderChart(svg: string): Promise<Uint8Array> {
  const { resvg, fonts, buffers } = await load();
  const renderer = new resvg.Resvg(svg, {
    font: { fontBuffers: buffers, ...(fonts.family ? { defaultFontFamily: fonts.family } : {}) },
    fitTo: { mode: 'zoom', value: CHART_SCALE },
    background: 'white',
  });
  // WebAssembly memory is freed by hand.
  try {
    const image = renderer.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    renderer.free();
  }
}
