/**
 * Request headers that the custom server's gate sets on every request (overwriting whatever a client sent), so route
 * handlers can trust them: the client's address (for sign-in rate limits) and whether it came over https.
 */
export const CLIENT_IP_HEADER = "x-fanout-client-ip";
export const SECURE_HEADER = "x-fanout-secure";
