/** Something worth an operator's attention that a step noticed, such as a count below reservations. */
export interface StockSignal {
  type: 'stock.short';
  location: string;
  sku: string;
  shortBy: number;
}
