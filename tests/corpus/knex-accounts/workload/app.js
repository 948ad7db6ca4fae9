// One client of the accounts service: `node app.js CLIENT ITERATIONS`. It registers users,
// reads them back with .first() (knex: select * ... where "id" = $1 limit $2), lists them,
// moves balances in transactions (a nested one is a SAVEPOINT), writes and counts notes.
// Choices come from a PRNG seeded with the client number.
'use strict';
const { connect, prng } = require('./db');

const client = Number(process.argv[2]);
const iterations = Number(process.argv[3]);
const db = connect(`accounts-client-${client}`);
const random = prng(2000 + client);
const SEEDED = 40;
const mine = [];
let clock = Date.parse('2024-04-01T00:00:00Z') + client * 86400000;
const now = () => new Date((clock += 1000));
const anyUser = () => (mine.length > 0 && random() < 0.5 ? mine[Math.floor(random() * mine.length)] : 1 + Math.floor(random() * SEEDED));

async function register(i) {
  const [row] = await db('users')
    .insert({ name: `Client ${client} User ${i}`, email: `Client${client}.User${i}@Example.ORG`, created_at: now() })
    .returning('id');
  mine.push(row.id);
}

async function show() {
  const user = await db('users').where('id', anyUser()).first();
  if (user) await db('notes').where('user_id', user.id).orderBy('id').select('id', 'body');
}

async function list() {
  await db('users').where('status', random() < 0.8 ? 'active' : 'suspended').orderBy('id').limit(10).offset(Math.floor(random() * 3) * 10);
}

// Move money between two users: a transaction, and a nested one (SAVEPOINT) for the fee
// that rolls back when the payer cannot afford it.
async function transfer() {
  const from = anyUser();
  const to = anyUser();
  const amount = 1 + Math.floor(random() * 300);
  await db.transaction(async (trx) => {
    const payer = await trx('users').where('id', from).first().forUpdate();
    if (!payer) return;
    await trx('users').where('id', from).decrement('balance_cents', amount);
    await trx('users').where('id', to).increment('balance_cents', amount);
    try {
      await trx.transaction(async (fee) => {
        await fee('users').where('id', from).decrement('balance_cents', 5);
        const after = await fee('users').where('id', from).first('balance_cents');
        if (after.balance_cents < 0) throw new Error('insufficient funds for the fee');
      });
    } catch (error) {
      if (!/insufficient/.test(error.message)) throw error;
    }
    await trx('notes').insert({ user_id: from, body: `sent ${amount} to ${to}`, created_at: now() });
  });
}

async function note() {
  await db('notes').insert({ user_id: anyUser(), body: `note from client ${client}`, created_at: now() });
}

async function count() {
  await db('notes').where('user_id', anyUser()).count('id as n').first();
}

async function rename(i) {
  if (mine.length > 0) await db('users').where('id', mine[i % mine.length]).update({ name: `Renamed ${client}-${i}` });
}

const ACTIONS = [[0.10, register], [0.35, show], [0.15, list], [0.15, transfer], [0.10, note], [0.10, count], [0.05, rename]];

(async () => {
  await register(0);
  for (let i = 1; i <= iterations; i++) {
    let r = random();
    for (const [weight, action] of ACTIONS) {
      if ((r -= weight) < 0) {
        await action(i);
        break;
      }
    }
  }
  await db.destroy();
})().catch((error) => {
  console.error(`client ${client}:`, error);
  process.exit(1);
});
