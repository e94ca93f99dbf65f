// Load for `bin/lambda bench-serve`: a steady request rate (open model: autocannon's overallRate)
// of 7-day hourly merged queries over random places and actions. Prints autocannon's result as JSON.
// usage: node serve-load.js <baseUrl> <rate> <seconds> <connections> <places> <fromDate> <toDate> [token]
'use strict';
const path = require('path');
const autocannon = require(path.join(process.env.AUTOCANNON_HOME, 'node_modules', 'autocannon'));

const [baseUrl, rate, seconds, connections, places, from, to, token] = process.argv.slice(2);
const actions = ['impression', 'click'];
let seed = 42;
function next() { // a fixed sequence, so that two runs ask the same questions
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed;
}

const instance = autocannon({
  url: baseUrl,
  connections: Number(connections),
  overallRate: Number(rate),
  duration: Number(seconds),
  headers: token ? { authorization: 'Bearer ' + token } : {},
  requests: [{
    method: 'GET',
    setupRequest: (req) => {
      const place = 'p-' + (next() % Number(places));
      const action = actions[next() % 2];
      req.path = `/v1/places/${place}/actions/${action}?from=${from}&to=${to}&granularity=hour`;
      return req;
    },
  }],
}, (err, result) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  process.stdout.write(JSON.stringify(result));
});
autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
