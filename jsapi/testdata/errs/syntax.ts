type T = { a: number };

export default function (): void {
  const t: T = { a: 1 ;
}
