import type { Reply } from "../../http/reply.ts";
import type { AuthProblem } from "../adapter.ts";

export interface GraphError {
  message: string;
  code: number;
  error_subcode?: number;
  error_user_title?: string;
  error_user_msg?: string;
  is_transient?: boolean;
}

/** Builds Graph API errors; fbtrace_id is a per-server counter hashed into the look of the real ones. */
export class GraphErrors {
  private traces = 0;

  reply(status: number, err: GraphError, headers: Record<string, string> = {}): Reply {
    const fbtrace_id = `A${(0x1234567 + ++this.traces * 2_654_435_761).toString(36).slice(-10)}Xq`;
    const { message, ...rest } = err;
    const body = JSON.stringify({ error: { message, type: "OAuthException", ...rest, fbtrace_id } });
    return { status, headers: { "content-type": "application/json; charset=UTF-8", ...headers }, body };
  }

  /** Facebook answers token problems with HTTP 400 (code 104 without a token, 190 with a bad one). */
  auth(problem: AuthProblem): Reply {
    const err = AUTH[problem];
    const www = `OAuth "Facebook Platform" "invalid_token" "${err.message.replace(/"/g, "'")}"`;
    return this.reply(400, err, { "www-authenticate": www });
  }
}

const AUTH: Record<AuthProblem, GraphError> = {
  missing: { message: "An access token is required to request this resource.", code: 104 },
  invalid: { message: "Invalid OAuth access token - Cannot parse access token", code: 190 },
  // Revocation: the user removed the app (458); password changes (460) look the same to a client.
  revoked: {
    message: "Error validating access token: The user has not authorized application 438329112134367.",
    code: 190, error_subcode: 458, error_user_title: "", error_user_msg: "",
  },
  expired: {
    message: "Error validating access token: Session has expired. The current time is after the session's expiry.",
    code: 190, error_subcode: 463,
  },
};
