/** What `GET /api/health` answers when the server and its database are up (a 503 says otherwise). */
export interface Health {
  status: 'ok';
  version: string;
}
