import type { CallMember } from './room-state';

export interface Tile {
  key: string;
  member: CallMember;
  kind: 'camera' | 'screen';
}

export interface Layout {
  /** Shown large: a screen share, or the tile the user clicked. */
  stage: Tile | null;
  /** The grid, or the strip beside the stage. */
  others: Tile[];
  /** Columns of the grid, from the count (the plan's classes up to 9, then denser up to 25). */
  columns: number;
}

export const columnsFor = (count: number): number => {
  if (count <= 1) return 1;
  if (count <= 4) return 2;
  if (count <= 9) return 3;
  if (count <= 16) return 4;
  return 5;
};

/**
 * Lays the call out: one tile per person (local first), plus one per screen share. A screen share takes
 * the stage (the first one, unless the user spotlit another tile); a spotlit tile takes it otherwise.
 */
export const layoutTiles = (members: CallMember[], spotlight: string | null): Layout => {
  const people: Tile[] = members.map((member) => ({ key: `${member.identity}:camera`, member, kind: 'camera' }));
  const shares: Tile[] = members.filter((m) => m.screenOn).map((member) => ({ key: `${member.identity}:screen`, member, kind: 'screen' }));
  const all = [...shares, ...people];
  const stage = all.find((t) => t.key === spotlight) ?? shares[0] ?? null;
  const others = stage ? all.filter((t) => t !== stage) : all;
  return { stage, others, columns: columnsFor(others.length) };
};
