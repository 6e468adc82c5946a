// Package archive writes and reads nnjs test archives: one tar file holding a script, the
// local files it imports or open()s, its remote modules and its resolved options, so that
// `nnjs run test.tar` needs neither the original tree nor the network.
//
//	err := archive.Write(w, archive.Manifest{Script: "/src/main.js", Options: opts}, files, remotes)
//	m, err := archive.Extract("test.tar", dir) // files under dir, remote modules listed in m
package archive
