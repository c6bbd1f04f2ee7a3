/** The opaque id an app keeps for a browser or device (age gate, cookie consent, GPC). */
export const DEVICE_ID = /^[A-Za-z0-9_-]{16,128}$/;
export const DEVICE_ID_MESSAGE = 'deviceId must be 16 to 128 characters of A-Z, a-z, 0-9, _ or -';
