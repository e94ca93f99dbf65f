// Load for `bin/bench serve`: a steady request rate (open model: autocannon's overallRate)
// of 7-day hourly merged queries over random places and actions. Prints autocannon's result as JSON.
// usage: node serve-load.js <baseUrl> <rate> <seconds> <connections> <places> <fromDate> <toDate> [token]
'use strict';
const path = require('path');
const autocannon = require(path.join(process.env.AUTOCANNON_HOME, 'node_modules', 'autocannon'));

const [baseUrl, rate, seconds, connections, places, from, to, token] = process.argv.slice(2);
const actions = ['impression', 'click'];
// mulberry32: a fixed sequence, so that two runs ask the same questions, with all bits usable
// (the low bits of a plain LCG cycle and would hit a few places only)
let seed = 42;
function next() {
  seed = (seed + 0x6D2B79F5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return (t ^ (t >>> 14)) >>> 0;
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
