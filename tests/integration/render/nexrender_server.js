// Runs the real @nexrender/server request handler on 127.0.0.1 and a free port.
//
// `nexrender-server -p PORT -s SECRET` binds 0.0.0.0 and needs a port chosen in advance
// (a race between tests); this does what its `listen()` does — micro(createHandler(secret))
// — but on loopback and port 0, then prints {"port": N} once it is listening.
//
// Usage: node nexrender_server.js <node_modules dir> <secret>
// The job store is the server's disk store at $NEXRENDER_DATABASE (set it to a temp file).
'use strict'

const path = require('path')

const [nodeModules, secret] = process.argv.slice(2)
if (!nodeModules || secret === undefined) {
    console.error('usage: node nexrender_server.js <node_modules dir> <secret>')
    process.exit(2)
}
if (!process.env.NEXRENDER_DATABASE) {
    console.error('NEXRENDER_DATABASE must name a temporary file (else ~/nexrender is used)')
    process.exit(2)
}

const serverDir = path.join(nodeModules, '@nexrender', 'server')
const { createHandler } = require(serverDir)
const micro = require(require.resolve('micro', { paths: [serverDir] }))

const server = micro(createHandler(secret))
server.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ port: server.address().port }))
})

// Exit at once: open keep-alive connections would hold server.close() back.
process.on('SIGTERM', () => process.exit(0))
process.on('SIGINT', () => process.exit(0))
