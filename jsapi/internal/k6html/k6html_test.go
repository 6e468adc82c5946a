package k6html

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/nnprotect/nnjs/jsapi/modules/modulestest"
)

const page = `<!DOCTYPE html><html><head><title>Shop</title></head><body>
<h1 id="top" class="big title" data-page-id="42" data-flags='{"a":1}' data-on="true">Wallet</h1>
<ul id="items">
  <li class="item" data-id="1"><a href="/a">A</a></li>
  <li class="item sold" data-id="2"><a href="/b">B</a></li>
  <li class="item" data-id="3"><a href="/c">C</a></li>
</ul>
<form id="pay" action="/pay" method="post">
  <input name="amount" value="10.50">
  <input name="currency" type="hidden" value="MXN">
  <input name="save" type="checkbox" checked="checked">
  <input name="skip" type="checkbox">
  <input name="off" value="x" disabled="disabled">
  <select name="method"><option value="card">Card</option><option value="spei" selected>SPEI</option></select>
  <select name="tags" multiple><option selected>a</option><option value="b" selected>B</option><option>c</option></select>
  <textarea name="note">hello</textarea>
  <input type="submit" name="go" value="Pay">
</form>
</body></html>`

func newVU(t *testing.T) *modulestest.VU {
	t.Helper()
	vu := modulestest.NewVU(t)
	vu.Instance(t, New(), "html")
	vu.RT.Set("src", page)
	vu.Run(t, `var doc = html.parseHTML(src)`)
	return vu
}

func TestSelection(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, src, want string }{
		{"find text", `doc.find('title').text()`, "Shop"},
		{"size", `String(doc.find('li').size())`, "3"},
		{"attr", `doc.find('a').attr('href')`, "/a"},
		{"attr default", `doc.find('a').attr('nope', 'dflt')`, "dflt"},
		{"attr missing", `String(doc.find('a').attr('nope'))`, "undefined"},
		{"eq last first", `[doc.find('li').eq(1).text(), doc.find('li').last().text(), doc.find('li').first().text()].join()`, "B,C,A"},
		{"eq negative", `doc.find('li').eq(-1).text()`, "C"},
		{"html", `doc.find('li').first().html()`, `<a href="/a">A</a>`},
		{"html of nothing", `String(doc.find('nope').html())`, "undefined"},
		{"filter selector", `doc.find('li').filter('.sold').text()`, "B"},
		{"filter function", `doc.find('li').filter((i, el) => el.getAttribute('data-id') !== '2').text()`, "AC"},
		{"not", `doc.find('li').not('.sold').text()`, "AC"},
		{"is", `String(doc.find('li').eq(1).is('.sold'))`, "true"},
		{"has", `doc.find('li').has('a[href="/c"]').text()`, "C"},
		{"children parent", `doc.find('ul').children('.sold').parent().attr('id')`, "items"},
		{"closest", `doc.find('a').last().closest('ul').attr('id')`, "items"},
		{"next prev siblings", `[doc.find('li').first().next().text(), doc.find('li').last().prev().text(), String(doc.find('.sold').siblings().size())].join()`, "B,B,2"},
		{"map", `doc.find('li').map((i, s) => s.text() + i).join()`, "A0,B1,C2"},
		{"each elements", `(() => { const o = []; doc.find('a').each((i, el) => o.push(el.nodeName() + el.textContent())); return o.join() })()`, "aA,aB,aC"},
		{"get", `doc.find('h1').get(0).id() + doc.find('h1').get(0).className() + doc.find('li').get().length`, "topbig title3"},
		{"get out of range", `String(doc.find('li').get(3))`, "undefined"},
		{"toArray", `doc.find('li').toArray().map(s => s.attr('data-id')).join()`, "1,2,3"},
		{"slice", `doc.find('li').slice(1).text() + doc.find('li').slice(0, 1).text()`, "BCA"},
		{"index", `String(doc.find('.sold').index('li')) + doc.find('.sold').index()`, "11"},
		{"data", `JSON.stringify([doc.find('h1').data('pageId'), doc.find('h1').data('on'), doc.find('h1').data().flags])`, `[42,true,{"a":1}]`},
		{"element attributes", `doc.find('a').get(0).attributes().href.value + doc.find('a').get(0).hasAttribute('href')`, "/atrue"},
		{"val", `[doc.find('[name=amount]').val(), doc.find('[name=save]').val(), doc.find('[name=method]').val(), doc.find('[name=note]').val(), doc.find('[name=tags]').val().join('|')].join()`, "10.50,on,spei,hello,a|b"},
		{"serialize", `doc.find('form').serialize()`, "amount=10.50&currency=MXN&method=spei&note=hello&save=on&tags=a&tags=b"},
		{"serializeArray", `doc.find('form').serializeArray().map(f => f.name).join()`, "amount,currency,save,method,tags,note"},
		{"serializeObject", `JSON.stringify(doc.find('form').serializeObject())`, `{"amount":"10.50","currency":"MXN","save":"on","method":"spei","tags":["a","b"],"note":"hello"}`},
		{"nextUntil", `doc.find('li').first().nextUntil('.item:last-child').text()`, "B"},
		{"nextUntil nothing", `String(doc.find('li').first().nextUntil().size())`, "2"},
		{"nextUntil selection filtered", `doc.find('li').first().nextUntil(doc.find('li').last(), '.sold').text()`, "B"},
		{"prevUntil", `doc.find('li').last().prevUntil(null, ':not(.sold)').text()`, "A"},
		{"parentsUntil", `doc.find('a').first().parentsUntil('body').map((i, s) => s.get(0).nodeName()).join()`, "li,ul"},
		{"element navigation", `(() => { const ul = doc.find('ul').get(0);
			return [ul.childElementCount(), ul.firstElementChild().getAttribute('data-id'), ul.lastElementChild().getAttribute('data-id'),
				ul.children().length, ul.querySelector('.sold').textContent(), ul.querySelectorAll('a').length,
				ul.getElementsByClassName('item').length, ul.firstElementChild().nextElementSibling().textContent(),
				ul.parentElement().nodeName(), ul.firstChild().nodeType(), ul.hasChildNodes(),
				doc.find('h1').get(0).classList().join('+'), ul.matches('#items'), ul.contains(doc.find('a').get(0)), ul.contains(ul),
				String(ul.className()), ul.selection().find('li').size()].join() })()`,
			"3,1,3,3,B,3,3,B,body,3,true,big+title,true,true,false,undefined,3"},
		{"find by selection", `doc.find('ul').find(doc.find('.sold')).text()`, "B"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			assert.Equal(t, tc.want, vu.Run(t, tc.src).String())
		})
	}
}

func TestMisuseThrows(t *testing.T) {
	t.Parallel()
	vu := newVU(t)
	assert.Equal(t, "TypeError", vu.Throws(t, `doc.find('li').each(1)`))
	assert.Equal(t, "TypeError", vu.Throws(t, `doc.find({})`))
	assert.Equal(t, "TypeError", vu.Throws(t, `doc.find.call({}, 'li')`))
}
