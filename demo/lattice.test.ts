import { describe, expect, it } from 'vitest';
import {
  buildLattice,
  cellsInOutline,
  isSimpleCounterClockwise,
  type Lattice,
  outlineRings,
  type PlanePoint,
  partitionCells,
  seededRandom,
  signedArea,
  smoothBoundaries,
} from './lattice.ts';

const spec = { cols: 24, rows: 20, cellWidthKm: 0.5, rowHeightKm: 0.45, jitter: 0.3, seed: 'test' };

function connected(lattice: Lattice, cells: number[]): boolean {
  const member = new Set(cells);
  const seen = new Set([cells[0] as number]);
  const stack = [cells[0] as number];
  while (stack.length) {
    for (const n of lattice.neighbours[stack.pop() as number] ?? []) {
      if (member.has(n) && !seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return seen.size === member.size;
}

const points = (lattice: Lattice, ring: number[]): PlanePoint[] => ring.map((v) => lattice.vertices[v] as PlanePoint);

describe('demo lattice', () => {
  it('is the same for the same seed and different for another', () => {
    expect(buildLattice(spec)).toEqual(buildLattice(spec));
    expect(buildLattice({ ...spec, seed: 'other' }).vertices).not.toEqual(buildLattice(spec).vertices);
    const a = seededRandom('x');
    const b = seededRandom('x');
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('has simple counter-clockwise cells, three to every inner vertex', () => {
    const lattice = buildLattice(spec);
    for (const ring of lattice.cells) expect(isSimpleCounterClockwise(points(lattice, ring))).toBe(true);
    const degree = new Map<number, number>();
    for (const ring of lattice.cells) for (const v of ring) degree.set(v, (degree.get(v) ?? 0) + 1);
    expect(Math.max(...degree.values())).toBe(3);
    // Each cell has at most six neighbours, and neighbourhood is symmetric.
    lattice.neighbours.forEach((list, cell) => {
      expect(list.length).toBeLessThanOrEqual(6);
      for (const n of list) expect(lattice.neighbours[n]).toContain(cell);
    });
  });

  it('outlines a union of cells as one counter-clockwise ring covering their total area', () => {
    const lattice = buildLattice(spec);
    const city = cellsInOutline(lattice, { radiusXKm: 4, radiusYKm: 3, wobble: 0.1, seed: 'test' });
    const rings = outlineRings(lattice, city);
    expect(rings).toHaveLength(1);
    const area = signedArea(points(lattice, rings[0] as number[]));
    const sum = city.reduce((s, c) => s + signedArea(points(lattice, lattice.cells[c] as number[])), 0);
    expect(area).toBeGreaterThan(0);
    expect(area).toBeCloseTo(sum, 9);
  });

  it('gives a hole in a union its own clockwise ring', () => {
    const lattice = buildLattice(spec);
    const middle = 10 * spec.cols + 12;
    const ring = [...(lattice.neighbours[middle] as number[])];
    const around = [...new Set(ring.flatMap((c) => [c, ...(lattice.neighbours[c] as number[])]))].filter(
      (c) => c !== middle,
    );
    const rings = outlineRings(lattice, around);
    expect(rings).toHaveLength(2);
    expect(signedArea(points(lattice, rings[0] as number[]))).toBeGreaterThan(0);
    expect(signedArea(points(lattice, rings[1] as number[]))).toBeLessThan(0);
  });

  it('splits cells into connected, disjoint parts that cover them', () => {
    const lattice = buildLattice(spec);
    const city = cellsInOutline(lattice, { radiusXKm: 4, radiusYKm: 3, wobble: 0.1, seed: 'test' });
    const parts = partitionCells(lattice, city, 7, seededRandom('p'), { centralFirst: true });
    expect(parts).toHaveLength(7);
    expect(parts.flat().sort((a, b) => a - b)).toEqual([...city].sort((a, b) => a - b));
    for (const part of parts) {
      expect(part.length).toBeGreaterThan(0);
      expect(connected(lattice, part)).toBe(true);
    }
    expect(() => partitionCells(lattice, city.slice(0, 3), 4, seededRandom('p'))).toThrow(RangeError);
  });

  it('smooths boundaries without folding a cell or moving a vertex where three zones meet', () => {
    const lattice = buildLattice(spec);
    const city = cellsInOutline(lattice, { radiusXKm: 4, radiusYKm: 3, wobble: 0.1, seed: 'test' });
    const parts = partitionCells(lattice, city, 5, seededRandom('s'));
    const owner = lattice.cells.map(() => -1);
    parts.forEach((part, i) => {
      for (const c of part) owner[c] = i;
    });
    const smooth = smoothBoundaries(lattice, owner);
    expect(smooth.vertices).not.toEqual(lattice.vertices);
    for (const ring of smooth.cells) expect(isSimpleCounterClockwise(points(smooth, ring))).toBe(true);
    // Zones keep their cells, so their outlines are still one ring each.
    for (const part of parts) expect(outlineRings(smooth, part)).toHaveLength(1);
  });
});
