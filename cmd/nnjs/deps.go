package main

// Temporary: pins every dependency in go.mod/go.sum while the packages that use them are written.
import (
	_ "github.com/HdrHistogram/hdrhistogram-go"
	_ "github.com/dop251/goja"
	_ "github.com/evanw/esbuild/pkg/api"
	_ "github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/pgconn"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/prometheus/client_golang/prometheus/promhttp"
	_ "github.com/spf13/pflag"
	_ "github.com/stretchr/testify/require"
	_ "github.com/stretchr/testify/assert"
)

func main() {}
