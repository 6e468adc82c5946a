package metrics

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewAllRegistersEveryDefOrNamesTheFailure(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	var a, b *Metric
	require.NoError(t, reg.NewAll(
		Def{Dst: &a, Name: "orders", Type: Counter},
		Def{Dst: &b, Name: "order_time", Type: Trend, Contains: Time},
	))
	assert.Same(t, reg.Get("orders"), a)
	assert.Equal(t, Time, b.Contains)

	var c *Metric
	err := reg.NewAll(Def{Dst: &c, Name: "orders", Type: Gauge})
	require.ErrorIs(t, err, ErrConflict)
	assert.Contains(t, err.Error(), "register orders")
	assert.Nil(t, c)
}
