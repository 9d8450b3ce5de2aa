// Idempotent setup over the localhost connection. On the first start no user exists, and the
// localhost exception allows exactly what is needed: initiating the replica set and creating root.
const fs = require('fs');
const env = process.env;
const admin = db.getSiblingDB('admin');
const rootPassword = fs.readFileSync('/secrets/root-password', 'utf8').trim();
let authenticated = false;
try {
  authenticated = admin.auth('root', rootPassword).ok === 1;
} catch (e) {
  authenticated = false;
}
if (!db.hello().setName) {
  rs.initiate({ _id: env.REPLICA_SET, members: [{ _id: 0, host: `${env.POD_NAME}.${env.HEADLESS_SERVICE}:27017` }] });
}
while (!db.hello().isWritablePrimary) sleep(1000);
if (!authenticated) {
  admin.createUser({ user: 'root', pwd: rootPassword, roles: [{ role: 'root', db: 'admin' }] });
  admin.auth('root', rootPassword);
}
for (const user of JSON.parse(env.USERS)) {
  const target = db.getSiblingDB(user.database);
  const pwd = fs.readFileSync(`/users/${user.name}/password`, 'utf8').trim();
  const roles = [{ role: 'readWrite', db: user.database }];
  if (target.getUser(user.name)) target.updateUser(user.name, { pwd, roles });
  else target.createUser({ user: user.name, pwd, roles });
}
print(`mongodb: replica set ${env.REPLICA_SET} ready with ${JSON.parse(env.USERS).length} users`);
