// Package dotenv reads dotenv files (KEY=VALUE lines, as in .env.staging), the form nnjs
// takes for --env-file: the script's __ENV and the database commands' DATABASE_URL.
//
//	vars, err := dotenv.ReadFile(".env.staging")
//	url := vars["DATABASE_URL"]
//
// Errors give the file and the line number, never the value: a value may be a password.
package dotenv
