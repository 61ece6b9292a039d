/**
 * Tiny binary fixtures for the conformance profile, base64-encoded. Both were generated for this project
 * (not taken from anywhere): the smallest valid files of their kind, so a client can decode them.
 */

/** A 1×1 PNG (8-bit RGB, one red pixel). */
export const RED_PIXEL_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';

/** A WAV file: PCM, mono, 8 kHz, 8-bit, eight samples of silence (1 ms). */
export const SILENT_WAV_BASE64 = 'UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA==';
