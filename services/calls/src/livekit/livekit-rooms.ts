import { AccessToken, RoomServiceClient, TrackSource } from 'livekit-server-sdk';
import type { Logger } from '@messenger/kit';
import { HAND_ATTRIBUTE, type UserSummary } from '@messenger/contracts';
import type { VideoGrant } from 'livekit-server-sdk';

export interface LiveKitSettings {
  /** For the service: ws(s):// or http(s):// of the LiveKit API. */
  url: string;
  /** For browsers: where they connect for media (may differ behind an ingress). */
  publicUrl: string;
  apiKey: string;
  apiSecret: string;
  maxParticipants: number;
  emptyTimeoutSeconds: number;
}

/** The seat our token put in a participant's metadata (LiveKit copies it from the token; nobody may change it). */
export const seatIn = (metadata: string | undefined): string | null => {
  try {
    const seat = (JSON.parse(metadata || '{}') as { seat?: unknown }).seat;
    return typeof seat === 'string' ? seat : null;
  } catch {
    return null;
  }
};

/** One LiveKit room per call, and short-lived tokens for exactly that room. */
export class LiveKitRooms {
  private readonly rooms: RoomServiceClient;

  constructor(
    private readonly settings: LiveKitSettings,
    private readonly logger: Logger,
  ) {
    this.rooms = new RoomServiceClient(settings.url.replace(/^ws/, 'http'), settings.apiKey, settings.apiSecret);
  }

  /** Where browsers connect for media: what `join.url` names, and `call.incoming` too, for warming the connection. */
  get publicUrl(): string {
    return this.settings.publicUrl;
  }

  async create(room: string): Promise<void> {
    await this.rooms.createRoom({
      name: room,
      emptyTimeout: this.settings.emptyTimeoutSeconds,
      departureTimeout: 10,
      maxParticipants: this.settings.maxParticipants,
    });
  }

  /** Ending a call deletes its room, so nobody stays connected to its media. */
  async delete(room: string): Promise<void> {
    try {
      await this.rooms.deleteRoom(room);
    } catch (error) {
      // A room LiveKit already closed (empty timeout) is not an error here.
      this.logger.debug({ err: error, room }, 'room already gone');
    }
  }

  async removeParticipant(room: string, identity: string): Promise<void> {
    try {
      await this.rooms.removeParticipant(room, identity);
    } catch (error) {
      this.logger.debug({ err: error, room, identity }, 'participant not in room');
    }
  }

  /**
   * The seat of the connection now in the room under this identity (from the metadata our token gave it), or null
   * when nobody is connected as them. A newer connection replaces an older one with the same identity.
   */
  async connectedSeat(room: string, identity: string): Promise<string | null> {
    let participant;
    try {
      participant = await this.rooms.getParticipant(room, identity);
    } catch {
      return null;
    }
    return seatIn(participant.metadata);
  }

  /** Mutes every microphone the participant publishes; returns how many were muted. */
  async muteMicrophone(room: string, identity: string): Promise<number> {
    let participant;
    try {
      participant = await this.rooms.getParticipant(room, identity);
    } catch {
      return 0; // not connected to the media
    }
    const microphones = participant.tracks.filter((t) => t.source === TrackSource.MICROPHONE && !t.muted);
    for (const track of microphones) await this.rooms.mutePublishedTrack(room, identity, track.sid, true);
    return microphones.length;
  }

  /**
   * When the participant's hand went up (the `hand` attribute: the server's epoch ms), null when it is down, or
   * undefined when nobody is connected to the media under this identity.
   */
  async handOf(room: string, identity: string): Promise<number | null | undefined> {
    let participant;
    try {
      participant = await this.rooms.getParticipant(room, identity);
    } catch {
      return undefined;
    }
    const raisedAt = Number(participant.attributes[HAND_ATTRIBUTE] || NaN);
    return Number.isFinite(raisedAt) ? raisedAt : null;
  }

  /**
   * Raises (the time it went up) or lowers (null) the participant's hand; LiveKit tells everyone in the room.
   * Only the server sets attributes: tokens never let a participant update its own. False when they are not connected.
   */
  async setHand(room: string, identity: string, raisedAt: number | null): Promise<boolean> {
    try {
      // An attribute set to '' is deleted.
      await this.rooms.updateParticipant(room, identity, { attributes: { [HAND_ATTRIBUTE]: raisedAt === null ? '' : String(raisedAt) } });
      return true;
    } catch (error) {
      this.logger.debug({ err: error, room, identity }, 'participant not connected to media');
      return false;
    }
  }

  /** Applies a new grant to someone already in the room (a permission update replaces all of them). */
  async updatePermissions(room: string, identity: string, grant: VideoGrant): Promise<void> {
    try {
      await this.rooms.updateParticipant(room, identity, undefined, {
        canSubscribe: grant.canSubscribe ?? true,
        canPublish: grant.canPublish ?? true,
        canPublishData: grant.canPublishData ?? true,
        canPublishSources: grant.canPublishSources ?? [],
        canUpdateMetadata: false,
      });
    } catch (error) {
      this.logger.debug({ err: error, room, identity }, 'participant not connected to media');
    }
  }

  async roomNames(): Promise<Set<string>> {
    return new Set((await this.rooms.listRooms()).map((room) => room.name));
  }

  /** 10 minutes, one room, identity = user id; name and avatar ride in the metadata for the tiles. */
  async token(user: UserSummary, grant: VideoGrant, extra: Record<string, unknown> = {}): Promise<{ url: string; token: string }> {
    const token = new AccessToken(this.settings.apiKey, this.settings.apiSecret, {
      identity: user.id,
      name: user.name,
      ttl: '10m',
      metadata: JSON.stringify({ username: user.username, avatarUrl: user.avatarUrl, ...extra }),
    });
    token.addGrant(grant);
    return { url: this.settings.publicUrl, token: await token.toJwt() };
  }
}
