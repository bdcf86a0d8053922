/**
 * Plausible-looking administrative maps from nothing but a seed.
 *
 * A city is a set of cells of one shared lattice of jittered points. The cells are laid out
 * like bricks (each row offset by half a cell), so every inner vertex joins exactly three
 * cells: a union of cells never pinches at a vertex, and its outline is a clean ring. Zones
 * are unions of cells, grown from seeds level by level inside their parent, so neighbouring
 * zones share their edges exactly and every child lies inside its parent by construction.
 * Everything is deterministic: the same seed gives the same map, vertex for vertex.
 */

/** A point in kilometres on the local plane (x east, y north) around the city centre. */
export interface PlanePoint {
  x: number;
  y: number;
}

/** A deterministic pseudo-random source returning numbers in [0, 1). */
export type Random = () => number;

/** A seeded pseudo-random generator (mulberry32 seeded from an FNV-1a hash of `seed`). */
export function seededRandom(seed: string): Random {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How to lay out a lattice. */
export interface LatticeSpec {
  /** Cells per row and number of rows. */
  cols: number;
  rows: number;
  /** Width of one cell and height of one row, in kilometres. */
  cellWidthKm: number;
  rowHeightKm: number;
  /** Largest displacement of a vertex, as a fraction of the half-cell width / row height (< 0.35 keeps cells simple). */
  jitter: number;
  seed: string;
}

/** The lattice: shared vertices, and cells as rings of vertex indices. */
export interface Lattice {
  vertices: PlanePoint[];
  /** Each cell's ring of vertex indices, counter-clockwise, not closed. */
  cells: number[][];
  /** Each cell's centre (mean of its vertices: always inside the cell). */
  centres: PlanePoint[];
  /** Indices of the cells sharing an edge with each cell. */
  neighbours: number[][];
  /** For cell c and its edge i (from ring vertex i to i + 1): the cell across, or -1, at `c * 6 + i`. */
  across: Int32Array;
}

/** Builds a brick lattice of jittered vertices centred on (0, 0). */
export function buildLattice(spec: LatticeSpec): Lattice {
  if (spec.jitter < 0 || spec.jitter >= 0.35) throw new RangeError('jitter must be in [0, 0.35)');
  const random = seededRandom(`${spec.seed}:lattice`);
  const perLine = 2 * spec.cols + 2;
  const halfWidth = spec.cellWidthKm / 2;
  const vertices: PlanePoint[] = [];
  for (let j = 0; j <= spec.rows; j++) {
    for (let k = 0; k < perLine; k++) {
      vertices.push({
        x: (k - (perLine - 1) / 2) * halfWidth + (random() * 2 - 1) * spec.jitter * halfWidth,
        y: (j - spec.rows / 2) * spec.rowHeightKm + (random() * 2 - 1) * spec.jitter * spec.rowHeightKm,
      });
    }
  }
  const vertex = (j: number, k: number) => j * perLine + k;
  const cells: number[][] = [];
  for (let r = 0; r < spec.rows; r++) {
    const offset = r % 2;
    for (let c = 0; c < spec.cols; c++) {
      const k = 2 * c + offset;
      cells.push([
        vertex(r, k),
        vertex(r, k + 1),
        vertex(r, k + 2),
        vertex(r + 1, k + 2),
        vertex(r + 1, k + 1),
        vertex(r + 1, k),
      ]);
    }
  }
  const centres = cells.map((ring) => meanPoint(ring.map((v) => vertices[v] as PlanePoint)));
  // Edge i of a cell runs from its vertex i to vertex i + 1; the cell across it walks it backwards.
  const across = new Int32Array(cells.length * 6).fill(-1);
  const firstSide = new Map<number, number>();
  cells.forEach((ring, cell) => {
    for (let i = 0; i < 6; i++) {
      const key = edgeKey(ring[i] as number, ring[(i + 1) % 6] as number);
      const other = firstSide.get(key);
      if (other === undefined) {
        firstSide.set(key, cell * 6 + i);
      } else {
        across[cell * 6 + i] = Math.floor(other / 6);
        across[other] = cell;
      }
    }
  });
  const neighbours: number[][] = [];
  for (let cell = 0; cell < cells.length; cell++) {
    const list: number[] = [];
    for (let i = 0; i < 6; i++) {
      const other = across[cell * 6 + i] as number;
      if (other >= 0) list.push(other);
    }
    neighbours.push(list.sort((a, b) => a - b));
  }
  return { vertices, cells, centres, neighbours, across };
}

/** One number per undirected edge (vertex indices stay far below 2^21). */
function edgeKey(a: number, b: number): number {
  return a < b ? a * 2097152 + b : b * 2097152 + a;
}

function meanPoint(points: PlanePoint[]): PlanePoint {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }
  return { x: x / points.length, y: y / points.length };
}

function distance(a: PlanePoint, b: PlanePoint): number {
  const dx = a.x - b.x;
  const dy = a.y - b.y;
  // sqrt is correctly rounded everywhere (hypot is not), which keeps the maps identical across engines.
  return Math.sqrt(dx * dx + dy * dy);
}

/** The shape of a city: an ellipse whose radius wobbles with the angle, like a coastline. */
export interface OutlineSpec {
  radiusXKm: number;
  radiusYKm: number;
  /** Relative amplitude of the wobble (0.1 = ±10 %). */
  wobble: number;
  seed: string;
}

/**
 * The cells of the lattice inside the outline: one connected set without holes, so that the
 * city itself is one clean polygon.
 */
export function cellsInOutline(lattice: Lattice, outline: OutlineSpec): number[] {
  const random = seededRandom(`${outline.seed}:outline`);
  const waves = [2, 3, 5, 7].map((k) => ({
    k,
    amplitude: (outline.wobble * (0.4 + random() * 0.6)) / Math.sqrt(k),
    phase: random() * Math.PI * 2,
  }));
  const inside = lattice.centres.map((p) => {
    const theta = Math.atan2(p.y, p.x);
    const r = 1 + waves.reduce((sum, w) => sum + w.amplitude * Math.sin(w.k * theta + w.phase), 0);
    return (p.x / outline.radiusXKm) ** 2 + (p.y / outline.radiusYKm) ** 2 <= r * r;
  });
  const start = nearestCell(lattice, allCells(lattice), { x: 0, y: 0 });
  // Keep the piece that holds the centre…
  const kept = flood(lattice, [start], (c) => inside[c] === true);
  // …and fill any hole in it: whatever the outside cannot reach belongs to the city.
  const border = allCells(lattice).filter((c) => (lattice.neighbours[c]?.length ?? 0) < 6);
  if (border.some((c) => kept.has(c))) throw new RangeError('cellsInOutline: the outline does not fit in the lattice');
  const outside = flood(lattice, border, (c) => !kept.has(c));
  return allCells(lattice).filter((c) => !outside.has(c));
}

function allCells(lattice: Lattice): number[] {
  return lattice.cells.map((_, i) => i);
}

function flood(lattice: Lattice, starts: number[], allowed: (cell: number) => boolean): Set<number> {
  const seen = new Set<number>();
  const stack = starts.filter(allowed);
  for (const s of stack) seen.add(s);
  while (stack.length > 0) {
    const cell = stack.pop() as number;
    for (const n of lattice.neighbours[cell] ?? []) {
      if (!seen.has(n) && allowed(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return seen;
}

function nearestCell(lattice: Lattice, cells: number[], point: PlanePoint): number {
  let best = cells[0] as number;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of cells) {
    const d = distance(lattice.centres[c] as PlanePoint, point);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

/** Options for {@link partitionCells}. */
export interface PartitionOptions {
  /** Start the first part at the middle of the area (a city's old town), not at its edge. */
  centralFirst?: boolean;
  /** How much the parts' sizes may differ: 0 makes them all alike. */
  sizeVariation?: number;
}

/**
 * Splits a connected set of cells into `count` connected parts of similar size: seeds spread
 * out and relaxed towards their parts' centres (Lloyd), then grown together cell by cell, each
 * cell going to the nearest seed that can reach it through its own part.
 */
export function partitionCells(
  lattice: Lattice,
  cells: number[],
  count: number,
  random: Random,
  options: PartitionOptions = {},
): number[][] {
  if (count < 1 || count > cells.length) throw new RangeError(`cannot split ${cells.length} cells into ${count} parts`);
  const centreOf = (c: number) => lattice.centres[c] as PlanePoint;
  const middle = meanPoint(cells.map(centreOf));
  // Farthest-point seeding, from the middle or from a random cell.
  const seeds = [
    options.centralFirst ? nearestCell(lattice, cells, middle) : (cells[Math.floor(random() * cells.length)] as number),
  ];
  const nearestSeedDistance = cells.map((c) => distance(centreOf(c), centreOf(seeds[0] as number)));
  while (seeds.length < count) {
    let best = 0;
    for (let i = 1; i < cells.length; i++) {
      if ((nearestSeedDistance[i] as number) > (nearestSeedDistance[best] as number)) best = i;
    }
    const seed = cells[best] as number;
    seeds.push(seed);
    cells.forEach((c, i) => {
      nearestSeedDistance[i] = Math.min(nearestSeedDistance[i] as number, distance(centreOf(c), centreOf(seed)));
    });
  }
  // Lloyd relaxation: move every seed (but a central first one) to the cell nearest its part's centre.
  for (let round = 0; round < 6; round++) {
    const members = voronoi(lattice, cells, seeds);
    for (let s = options.centralFirst ? 1 : 0; s < seeds.length; s++) {
      const part = members[s] as number[];
      if (part.length > 0) seeds[s] = nearestCell(lattice, part, meanPoint(part.map(centreOf)));
    }
  }
  const variation = options.sizeVariation ?? 0.15;
  const weights = seeds.map(() => 1 + (random() * 2 - 1) * variation);
  return grow(lattice, cells, seeds, weights);
}

function voronoi(lattice: Lattice, cells: number[], seeds: number[]): number[][] {
  const parts: number[][] = seeds.map(() => []);
  const seedCentres = seeds.map((s) => lattice.centres[s] as PlanePoint);
  for (const c of cells) {
    const p = lattice.centres[c] as PlanePoint;
    let best = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let i = 0; i < seedCentres.length; i++) {
      const q = seedCentres[i] as PlanePoint;
      const d = (p.x - q.x) ** 2 + (p.y - q.y) ** 2;
      if (d < bestDistance) {
        bestDistance = d;
        best = i;
      }
    }
    parts[best]?.push(c);
  }
  return parts;
}

/** Multi-source growth: connected parts, every cell of `cells` assigned. */
function grow(lattice: Lattice, cells: number[], seeds: number[], weights: number[]): number[][] {
  // -2: not ours to assign, -1: still free, else the part that took the cell.
  const owner = new Int32Array(lattice.cells.length).fill(-2);
  for (const c of cells) owner[c] = -1;
  const heap = new MinHeap();
  seeds.forEach((seed, part) => {
    heap.push(0, part, seed);
  });
  let assigned = 0;
  while (heap.size > 0) {
    const { part, cell } = heap.pop();
    if (owner[cell] !== -1) continue;
    owner[cell] = part;
    assigned++;
    const seedCentre = lattice.centres[seeds[part] as number] as PlanePoint;
    for (const n of lattice.neighbours[cell] ?? []) {
      if (owner[n] !== -1) continue;
      heap.push(distance(lattice.centres[n] as PlanePoint, seedCentre) / (weights[part] as number), part, n);
    }
  }
  if (assigned !== cells.length) throw new Error('partitionCells: the cells are not connected');
  const parts: number[][] = seeds.map(() => []);
  for (const c of cells) parts[owner[c] as number]?.push(c);
  return parts;
}

/** A small binary heap ordered by key, then part, then cell (so that ties break the same way every run). */
class MinHeap {
  // Parallel arrays rather than one object per entry: growing a city pushes tens of thousands.
  #keys: number[] = [];
  #parts: number[] = [];
  #cells: number[] = [];
  get size() {
    return this.#keys.length;
  }
  push(key: number, part: number, cell: number) {
    this.#keys.push(key);
    this.#parts.push(part);
    this.#cells.push(cell);
    let i = this.#keys.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }
  /** Removes the smallest entry and returns its part and cell. */
  pop(): { part: number; cell: number } {
    if (this.#keys.length === 0) throw new RangeError('heap is empty');
    const top = { part: this.#parts[0] as number, cell: this.#cells[0] as number };
    const last = this.#keys.length - 1;
    this.#swap(0, last);
    this.#keys.pop();
    this.#parts.pop();
    this.#cells.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < last && this.#less(l, m)) m = l;
      if (r < last && this.#less(r, m)) m = r;
      if (m === i) break;
      this.#swap(i, m);
      i = m;
    }
    return top;
  }
  #less(a: number, b: number) {
    const ka = this.#keys[a] as number;
    const kb = this.#keys[b] as number;
    if (ka !== kb) return ka < kb;
    const pa = this.#parts[a] as number;
    const pb = this.#parts[b] as number;
    if (pa !== pb) return pa < pb;
    return (this.#cells[a] as number) < (this.#cells[b] as number);
  }
  #swap(a: number, b: number) {
    swap(this.#keys, a, b);
    swap(this.#parts, a, b);
    swap(this.#cells, a, b);
  }
}

function swap(list: number[], a: number, b: number) {
  const t = list[a] as number;
  list[a] = list[b] as number;
  list[b] = t;
}

/**
 * Rounds off the staircase that cell outlines make: every vertex on a boundary between two
 * owners (and not where three meet) moves towards the middle of its two boundary neighbours.
 * A move that would fold any cell touching the vertex is halved, then dropped, so the lattice
 * stays a valid tiling and shared edges stay shared. `owner[cell]` names each cell's zone; -1
 * is outside. Returns a new lattice; the input is left as it was.
 */
export function smoothBoundaries(lattice: Lattice, owner: number[], iterations = 4, strength = 0.5): Lattice {
  const vertices = lattice.vertices.map((p) => ({ ...p }));
  const cellsOfVertex: number[][] = vertices.map(() => []);
  const along: number[][] = vertices.map(() => []);
  lattice.cells.forEach((ring, cell) => {
    for (let i = 0; i < 6; i++) {
      const a = ring[i] as number;
      cellsOfVertex[a]?.push(cell);
      const other = lattice.across[cell * 6 + i] as number;
      // Each inner edge is seen from both sides: take it from the lower-numbered cell only.
      if (other >= 0 && other < cell) continue;
      if ((owner[cell] ?? -1) === (other >= 0 ? (owner[other] ?? -1) : -1)) continue;
      const b = ring[(i + 1) % 6] as number;
      along[a]?.push(b);
      along[b]?.push(a);
    }
  });
  const movable = along.flatMap((list, v) => (list.length === 2 ? [v] : []));
  const ring: PlanePoint[] = [];
  const valid = (cells: number[]) => {
    for (const cell of cells) {
      ring.length = 0;
      for (const v of lattice.cells[cell] as number[]) ring.push(vertices[v] as PlanePoint);
      if (!isSimpleCounterClockwise(ring)) return false;
    }
    return true;
  };
  for (let round = 0; round < iterations; round++) {
    for (const v of movable) {
      const [m, n] = along[v] as [number, number];
      const p = vertices[v] as PlanePoint;
      const { x, y } = p;
      const dx = ((vertices[m] as PlanePoint).x + (vertices[n] as PlanePoint).x) / 2 - x;
      const dy = ((vertices[m] as PlanePoint).y + (vertices[n] as PlanePoint).y) / 2 - y;
      p.x = x + dx * strength;
      p.y = y + dy * strength;
      if (valid(cellsOfVertex[v] as number[])) continue;
      p.x = x + (dx * strength) / 2;
      p.y = y + (dy * strength) / 2;
      if (valid(cellsOfVertex[v] as number[])) continue;
      p.x = x;
      p.y = y;
    }
  }
  const centres = lattice.cells.map((ring) => meanPoint(ring.map((v) => vertices[v] as PlanePoint)));
  return { ...lattice, vertices, centres };
}

/** Whether a ring is a simple polygon (no edge crosses another) running counter-clockwise. */
export function isSimpleCounterClockwise(ring: PlanePoint[]): boolean {
  if (signedArea(ring) <= 0) return false;
  const count = ring.length;
  for (let i = 0; i < count; i++) {
    for (let j = i + 2; j < count; j++) {
      if (i === 0 && j === count - 1) continue;
      if (
        segmentsTouch(
          ring[i] as PlanePoint,
          ring[(i + 1) % count] as PlanePoint,
          ring[j] as PlanePoint,
          ring[(j + 1) % count] as PlanePoint,
        )
      ) {
        return false;
      }
    }
  }
  return true;
}

function cross(o: PlanePoint, a: PlanePoint, b: PlanePoint): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

function segmentsTouch(p: PlanePoint, q: PlanePoint, r: PlanePoint, s: PlanePoint): boolean {
  const d1 = cross(r, s, p);
  const d2 = cross(r, s, q);
  const d3 = cross(p, q, r);
  const d4 = cross(p, q, s);
  return (d1 > 0 !== d2 > 0 || d1 === 0 || d2 === 0) && (d3 > 0 !== d4 > 0 || d3 === 0 || d4 === 0);
}

/**
 * The outline of a set of cells as rings of vertex indices: edges two member cells share cancel
 * out, the rest chain into rings. Outer rings run counter-clockwise, holes clockwise (RFC 7946);
 * the largest ring comes first and every ring starts at its lowest vertex index.
 */
export function outlineRings(lattice: Lattice, cells: number[]): number[][] {
  const member = new Set(cells);
  // A cell's edge is on the outline when the cell across is not a member; it keeps the cell on its left.
  const next = new Map<number, number>();
  for (const cell of cells) {
    const ring = lattice.cells[cell] as number[];
    for (let i = 0; i < 6; i++) {
      const other = lattice.across[cell * 6 + i] as number;
      if (other >= 0 && member.has(other)) continue;
      const a = ring[i] as number;
      // Three cells meet at each vertex, so a boundary vertex has exactly one way out.
      if (next.has(a)) throw new Error(`outlineRings: vertex ${a} has two outgoing boundary edges`);
      next.set(a, ring[(i + 1) % 6] as number);
    }
  }
  const rings: number[][] = [];
  const used = new Set<number>();
  for (const start of [...next.keys()].sort((a, b) => a - b)) {
    if (used.has(start)) continue;
    const ring: number[] = [];
    let v = start;
    do {
      ring.push(v);
      used.add(v);
      v = next.get(v) as number;
    } while (v !== start);
    rings.push(ring);
  }
  const area = (ring: number[]) => signedArea(ring.map((v) => lattice.vertices[v] as PlanePoint));
  return rings.sort((a, b) => Math.abs(area(b)) - Math.abs(area(a)));
}

/** The signed area of a ring (positive when counter-clockwise). */
export function signedArea(ring: PlanePoint[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i] as PlanePoint;
    const b = ring[(i + 1) % ring.length] as PlanePoint;
    sum += a.x * b.y - b.x * a.y;
  }
  return sum / 2;
}
