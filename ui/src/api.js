/**
 * Talking to the kdns API from the page: the bearer token (kept for this tab only), JSON GETs,
 * and server-sent event streams read through fetch (EventSource cannot send the token).
 */

const TOKEN_KEY = "kdns-token";

/** The token this tab signed in with, or "". */
export function token() {
  return sessionStorage.getItem(TOKEN_KEY) ?? "";
}

/** Keeps `value` as this tab's token. */
export function setToken(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
}

/** Thrown for a 401: the page asks for a token. */
export class Unauthorized extends Error {}

function headers() {
  const t = token();
  return t ? { authorization: `Bearer ${t}` } : {};
}

/** GETs `path` as JSON; a Kubernetes Status error becomes an Error with its message. */
export async function getJson(path) {
  const res = await fetch(path, { headers: headers() });
  if (res.status === 401) throw new Unauthorized("the API needs a token");
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.message ?? `${res.status} ${res.statusText}`);
  return body;
}

/**
 * Reads the event stream at `path`, calling `onEvent(name, data)` per event, until `signal`
 * aborts; reconnects a second after the stream ends or fails.
 */
export async function stream(path, onEvent, signal, onState = () => undefined) {
  while (!signal.aborted) {
    try {
      const res = await fetch(path, { headers: headers(), signal });
      if (res.status === 401) throw new Unauthorized("the API needs a token");
      if (!res.ok || !res.body) throw new Error(`${res.status} ${res.statusText}`);
      onState("live");
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let name = "message";
          let data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) name = line.slice(7);
            else if (line.startsWith("data: ")) data += line.slice(6);
          }
          if (data) onEvent(name, JSON.parse(data));
          end = buffer.indexOf("\n\n");
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof Unauthorized) {
        onState("unauthorized");
        return;
      }
    }
    onState("reconnecting");
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
