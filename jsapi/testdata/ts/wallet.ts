export interface Wallet {
  id: string;
  balance: number;
}

export function total(ws: Wallet[]): number {
  return ws.reduce((acc, w) => acc + w.balance, 0);
}
