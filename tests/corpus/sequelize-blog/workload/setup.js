// Makes the baseline: the schema from the models (sync) and a fixed seed data set. Run by
// ../record with statement logging off; the result is dumped to baseline.dump.
'use strict';
const { connect, prng, NAMES, CATEGORIES, TAGS } = require('./models');

(async () => {
  const db = connect('blog-setup');
  await db.sequelize.sync({ force: true });
  const random = prng(1);
  // A fixed date: nothing in the baseline depends on when it was made.
  const at = new Date('2024-01-15T09:00:00Z');
  const stamp = { createdAt: at, updatedAt: at };
  for (const name of TAGS) await db.Tag.create({ name, ...stamp });
  const users = [];
  for (let u = 0; u < 12; u++) {
    const user = await db.User.create({ name: `${NAMES[u]} seed`, email: `seed${u}@example.org`, karma: u % 4, ...stamp });
    await db.Profile.create({ userId: user.id, bio: `seed user ${u}`, ...stamp });
    users.push(user.id);
  }
  // 720 posts with few distinct scores (0-4) in 4 categories: ORDER BY score ties, and the
  // table is large enough for the planner to use an index on it once one exists.
  const posts = [];
  for (let u = 0; u < 12; u++) {
    for (let p = 0; p < 60; p++) {
      posts.push({
        userId: users[u],
        title: `Seed post ${u}-${p}: a title long enough`,
        category: CATEGORIES[(u + p) % CATEGORIES.length],
        score: Math.floor(random() * 5),
        body: 'seed body',
        ...stamp,
      });
    }
  }
  const created = await db.Post.bulkCreate(posts);
  const comments = [];
  for (const [i, post] of created.entries()) {
    for (let c = 0; c < 2; c++) {
      comments.push({ postId: post.id, userId: users[(i + c + 1) % 12], body: `seed comment ${c}`, rating: c, ...stamp });
    }
  }
  await db.Comment.bulkCreate(comments);
  await db.sequelize.close();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
