// Builds the order form in the browser, as single-page apps do.
document.getElementById('root').innerHTML =
  '<h1>Order online</h1>' +
  '<form action="/order" method="post">' +
  '<label for="email">Email</label><input type="email" id="email" name="email">' +
  '<label><input type="checkbox" name="marketing" checked> Send me special offers by email</label>' +
  '<p><a href="/privacy.html">Privacy policy</a></p>' +
  '<button type="submit">Order</button></form>';
