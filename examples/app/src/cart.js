// A tiny shop cart: the example app whose minified build the demo injects, uploads and resolves.

export function lineTotal(item) {
  if (typeof item.price !== "number") {
    throw new TypeError(`item ${item.sku} has no price`);
  }
  return item.price * item.quantity;
}

export function cartTotal(items) {
  return items.reduce((sum, item) => sum + lineTotal(item), 0);
}
