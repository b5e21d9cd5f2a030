// Rasterises a chart's SVG (views/chart.ts) to PNG on the server, headless, with resvg (a Rust SVG
// renderer; @resvg/resvg-js ships it prebuilt: no compiler, no canvas, no browser). It is loaded on
// the first render only: a process that never sends a chart never loads it. Fonts: the ones the
// machine has, found once (README, A picture of the week): Chinese labels need a CJK font such as
// Debian's fonts-noto-cjk or fonts-wqy-microhei; without one they are drawn as boxes, and
// everything else still renders.
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Pixels per SVG unit: sharp on a high-density screen, still small (about 100–250 kB). */
const SCALE = 1.5;
const FONT_DIRS = ['/usr/share/fonts', '/usr/local/share/fonts', path.join(os.homedir(), '.fonts'), path.join(os.homedir(), '.local/share/fonts'), '/Library/Fonts', '/System/Library/Fonts', 'C:\\Windows\\Fonts'];
/** A face with Chinese glyphs, smallest first (each font file is read at every render). */
const CJK = [/wqy-microhei/i, /wqy-zenhei/i, /NotoSansSC|NotoSansCJKsc|NotoSansCJK-Regular|NotoSansCJK/i, /SourceHanSans/i, /DroidSansFallback/i, /PingFang/i, /msyh\./i, /simhei|simsun/i];
const LATIN: Array<[RegExp, string]> = [
  [/^DejaVuSans\.ttf$/i, 'DejaVu Sans'],
  [/^LiberationSans-Regular/i, 'Liberation Sans'],
  [/^NotoSans-Regular/i, 'Noto Sans'],
  [/^Arial\.ttf$/i, 'Arial'],
  [/^Helvetica/i, 'Helvetica'],
];

type Libraries = {
  Resvg: (typeof import('@resvg/resvg-js'))['Resvg'];
  fonts: { files: string[]; family: string } | null;
};
let loaded: Promise<Libraries> | undefined;

function load(): Promise<Libraries> {
  loaded ??= import('@resvg/resvg-js').then((resvg) => ({ Resvg: resvg.Resvg, fonts: findFonts() }));
  // A failed load is tried again at the next render.
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

/** The font files to draw with: a Latin face and, when the machine has one, a Chinese one. Null: let resvg load every system font. */
export function findFonts(dirs: readonly string[] = FONT_DIRS): { files: string[]; family: string } | null {
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 4 || !existsSync(dir)) return;
    let entries: import('node:fs').Dirent[];
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
  const pick = (patterns: RegExp[]) => {
    for (const re of patterns) {
      const hit = files.find((f) => re.test(path.basename(f)));
      if (hit) return hit;
    }
    return undefined;
  };
  const latin = LATIN.map(([re, family]) => ({ file: files.find((f) => re.test(path.basename(f))), family })).find((l) => l.file);
  const cjk = pick(CJK);
  if (!latin && !cjk) return null;
  return { files: [latin?.file, cjk].filter((f): f is string => !!f), family: latin?.family ?? '' };
}

/** Whether a Chinese font was found: without one, Chinese labels are drawn as boxes. */
export async function hasChineseFont(): Promise<boolean> {
  const { fonts } = await load();
  return !!fonts && fonts.files.some((f) => CJK.some((re) => re.test(path.basename(f))));
}

/** The PNG of an SVG. Throws when resvg cannot load or the SVG cannot be read. */
export async function renderChart(svg: string): Promise<Uint8Array> {
  const { Resvg, fonts } = await load();
  const font = fonts ? { loadSystemFonts: false, fontFiles: fonts.files, ...(fonts.family ? { defaultFontFamily: fonts.family } : {}) } : { loadSystemFonts: true };
  return new Resvg(svg, { font, fitTo: { mode: 'zoom', value: SCALE }, background: 'white' }).render().asPng();
}
