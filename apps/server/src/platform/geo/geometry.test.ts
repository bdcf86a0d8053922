import { describe, expect, it } from 'vitest';
import type { ZoneGeometry } from '../db/schema.ts';
import {
  bboxOf,
  centroidOf,
  containsPoint,
  geometryProblem,
  h3Cell,
  isValidLatLon,
  pointOnSurface,
  representativePoint,
} from './geometry.ts';

const square: ZoneGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [113, 23],
      [113.1, 23],
      [113.1, 23.1],
      [113, 23.1],
      [113, 23],
    ],
  ],
};

/** A "U" whose centroid falls in the gap between its arms. */
const horseshoe: ZoneGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [3, 0],
      [3, 3],
      [2, 3],
      [2, 1],
      [1, 1],
      [1, 3],
      [0, 3],
      [0, 0],
    ],
  ],
};

const squareWithHole: ZoneGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [4, 0],
      [4, 4],
      [0, 4],
      [0, 0],
    ],
    [
      [1, 1],
      [1, 3],
      [3, 3],
      [3, 1],
      [1, 1],
    ],
  ],
};

describe('geometry', () => {
  it('finds the bounding box and centroid of a polygon', () => {
    expect(bboxOf(square)).toEqual([113, 23, 113.1, 23.1]);
    const [lon, lat] = centroidOf(square);
    expect(lon).toBeCloseTo(113.05, 9);
    expect(lat).toBeCloseTo(23.05, 9);
  });

  it('takes holes out of the centroid and out of the polygon', () => {
    const [lon, lat] = centroidOf(squareWithHole);
    expect(lon).toBeCloseTo(2, 9);
    expect(lat).toBeCloseTo(2, 9);
    expect(containsPoint(squareWithHole, 2, 2)).toBe(false);
    expect(containsPoint(squareWithHole, 0.5, 2)).toBe(true);
  });

  it('finds a point inside a zone even when its centroid lies outside', () => {
    const [cx, cy] = centroidOf(horseshoe);
    expect(containsPoint(horseshoe, cx, cy)).toBe(false);
    const [x, y] = pointOnSurface(horseshoe);
    expect(containsPoint(horseshoe, x, y)).toBe(true);
    const [rx, ry] = representativePoint(horseshoe);
    expect(containsPoint(horseshoe, rx, ry)).toBe(true);
    expect(representativePoint(squareWithHole)).not.toEqual([2, 2]);
    const [hx, hy] = representativePoint(squareWithHole);
    expect(containsPoint(squareWithHole, hx, hy)).toBe(true);
    // A zone whose centroid is inside keeps its centroid.
    expect(representativePoint(square)).toEqual(centroidOf(square));
  });

  it('uses the largest part of a multipolygon for its point on the surface', () => {
    const multi: ZoneGeometry = {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [10, 10],
            [10.1, 10],
            [10.1, 10.1],
            [10, 10],
          ],
        ],
        squareWithHole.coordinates as number[][][],
      ],
    };
    const [x, y] = pointOnSurface(multi);
    expect(containsPoint(squareWithHole, x, y)).toBe(true);
    expect(bboxOf(multi)).toEqual([0, 0, 10.1, 10.1]);
  });

  it('says what is wrong with a boundary that cannot be stored', () => {
    expect(geometryProblem(square)).toBeNull();
    expect(geometryProblem({ type: 'Point', coordinates: [1, 2] })).toMatch(/Polygon/);
    expect(geometryProblem({ type: 'Polygon', coordinates: [] })).toMatch(/empty/);
    expect(
      geometryProblem({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      }),
    ).toMatch(/end where it starts/);
    expect(
      geometryProblem({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 100],
            [0, 0],
          ],
        ],
      }),
    ).toMatch(/-90/);
  });

  it('checks coordinate ranges and finds H3 cells', () => {
    expect(isValidLatLon(23.13, 113.3)).toBe(true);
    expect(isValidLatLon(91, 0)).toBe(false);
    expect(isValidLatLon(0, -181)).toBe(false);
    expect(isValidLatLon(Number.NaN, 0)).toBe(false);
    expect(h3Cell(23.13, 113.3, 9)).toMatch(/^89[0-9a-f]{13}$/);
    expect(h3Cell(23.13, 113.3, 7)).toMatch(/^87[0-9a-f]{13}$/);
  });
});
