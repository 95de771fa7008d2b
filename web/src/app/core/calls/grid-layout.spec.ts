import type { CallMember } from './room-state';
import { columnsFor, layoutTiles } from './grid-layout';

const member = (identity: string, screenOn = false): CallMember =>
  ({ identity, name: identity, local: identity === 'me', micOn: true, cameraOn: true, screenOn, speaking: false, quality: 'good', canPublish: new Set() }) as unknown as CallMember;

describe('call grid layout', () => {
  it.each([
    [1, 1],
    [2, 2],
    [4, 2],
    [5, 3],
    [9, 3],
    [10, 4],
    [16, 4],
    [17, 5],
    [25, 5],
  ])('%i tiles take %i columns', (count, columns) => {
    expect(columnsFor(count)).toBe(columns);
  });

  it('puts everyone in the grid, one tile each, when nobody shares a screen', () => {
    const layout = layoutTiles([member('me'), member('a'), member('b')], null);
    expect(layout.stage).toBeNull();
    expect(layout.others.map((t) => t.key)).toEqual(['me:camera', 'a:camera', 'b:camera']);
    expect(layout.columns).toBe(2);
  });

  it('pins a screen share large with the people in a strip beside it', () => {
    const layout = layoutTiles([member('me'), member('a', true), member('b')], null);
    expect(layout.stage?.key).toBe('a:screen');
    expect(layout.others.map((t) => t.key)).toEqual(['me:camera', 'a:camera', 'b:camera']);
  });

  it('puts a clicked tile on the stage, even over a screen share, and the share joins the strip', () => {
    const layout = layoutTiles([member('me'), member('a', true), member('b')], 'b:camera');
    expect(layout.stage?.key).toBe('b:camera');
    expect(layout.others.map((t) => t.key)).toEqual(['a:screen', 'me:camera', 'a:camera']);
  });

  it('forgets a spotlight on someone who left', () => {
    const layout = layoutTiles([member('me'), member('a')], 'gone:camera');
    expect(layout.stage).toBeNull();
    expect(layout.others).toHaveLength(2);
  });
});
