// Package presignup is the pre sign-up trigger: it rejects malformed email
// addresses and addresses at disposable email providers, with a message a
// person can act on in the hosted UI. Users created by an administrator
// (PreSignUp_AdminCreateUser) skip the domain check, as in the reference
// design, but not the syntax check.
//
// Source of the trigger contract:
// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html
package presignup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"golang.org/x/net/idna"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/disposable"
	"github.com/authstack/authstack/internal/runtime/hook"
	"github.com/authstack/authstack/internal/runtime/telemetry"
)

// Messages shown to the person signing up. Cognito shows them as
// "PreSignUp failed with error <message>." and adds the final period
// itself, so none ends with one.
const (
	MsgMissingEmail    = "Please enter your email address"
	MsgMalformedEmail  = "Please enter a valid email address, like name@example.com"
	MsgDisposableEmail = "Please sign up with a permanent email address; disposable email addresses are not accepted"
)

// Limits of an email address (RFC 5321 section 4.5.3.1).
const (
	maxAddressLength = 254
	maxLocalLength   = 64
)

// Handler handles pre sign-up events. It is safe for concurrent use.
type Handler struct {
	// Checker decides which domains are disposable. Default: the embedded list alone.
	Checker *disposable.Checker
	// Metrics records sign-ups and rejections. Required.
	Metrics *telemetry.Metrics
	// Log receives one line per rejection. Required.
	Log *slog.Logger
	// Hook is the user's function invoked after an address is accepted; its
	// answer is Cognito's (it may auto-confirm), its error refuses the
	// sign-up with its message. Default: none.
	Hook *hook.Hook
}

// MsgUnavailable is shown when the hook gives no answer in time.
const MsgUnavailable = "Sign-up is unavailable right now, please try again in a few minutes"

// shown is an error whose text Cognito shows the person as it is.
type shown string

func (s shown) Error() string { return string(s) }

// Rejection is the error returned for an address that is not accepted; its
// text is the message for the person signing up.
type Rejection struct {
	Reason  string // a telemetry.Reason* constant
	Message string
}

func (r *Rejection) Error() string { return r.Message }

// Handle checks the event's email attribute and returns the event unchanged
// when it is accepted (it never auto-confirms or auto-verifies itself), or
// the hook's answer when there is a hook.
func (h *Handler) Handle(ctx context.Context, ev events.CognitoEventUserPoolsPreSignup) (events.CognitoEventUserPoolsPreSignup, error) {
	switch ev.TriggerSource {
	case "PreSignUp_SignUp", "PreSignUp_ExternalProvider", "PreSignUp_AdminCreateUser":
	default:
		return ev, fmt.Errorf("presignup: unsupported trigger source %q", ev.TriggerSource)
	}
	if rej := h.check(ev); rej != nil {
		h.Metrics.Count(contract.SignUpRejections, 1, contract.DimReason, rej.Reason)
		// The address itself is PII: log the domain only.
		h.Log.InfoContext(ctx, "sign-up rejected", "reason", rej.Reason, "triggerSource", ev.TriggerSource,
			"domain", domainOf(ev.Request.UserAttributes["email"]), "userPoolId", ev.UserPoolID)
		return ev, rej
	}
	if h.Hook != nil {
		out, err := h.callHook(ctx, ev)
		if err != nil {
			return ev, err
		}
		ev = out
	}
	h.Metrics.Count(contract.SignUps, 1)
	return ev, nil
}

// callHook hands the accepted event to the hook and returns its answer.
func (h *Handler) callHook(ctx context.Context, ev events.CognitoEventUserPoolsPreSignup) (events.CognitoEventUserPoolsPreSignup, error) {
	in, _ := json.Marshal(ev)
	answer, err := h.Hook.Call(ctx, in)
	var refusal *hook.Refusal
	if errors.As(err, &refusal) {
		h.Metrics.Count(contract.SignUpRejections, 1, contract.DimReason, contract.ReasonHook)
		return ev, refusal
	}
	if err != nil {
		h.Metrics.Count(contract.HookFailures, 1)
		h.Log.ErrorContext(ctx, "pre sign-up hook gave no answer", "error", err, "userPoolId", ev.UserPoolID)
		return ev, shown(MsgUnavailable)
	}
	var out events.CognitoEventUserPoolsPreSignup
	if err := json.Unmarshal(answer, &out); err != nil {
		h.Metrics.Count(contract.HookFailures, 1)
		h.Log.ErrorContext(ctx, "pre sign-up hook answered something that is not a pre sign-up event", "error", err)
		return ev, shown(MsgUnavailable)
	}
	return out, nil
}

func (h *Handler) check(ev events.CognitoEventUserPoolsPreSignup) *Rejection {
	email := strings.TrimSpace(ev.Request.UserAttributes["email"])
	if email == "" {
		return &Rejection{contract.ReasonMissingEmail, MsgMissingEmail}
	}
	domain, ok := ValidAddress(email)
	if !ok {
		return &Rejection{contract.ReasonMalformedEmail, MsgMalformedEmail}
	}
	if ev.TriggerSource != "PreSignUp_AdminCreateUser" && (h.Checker.Disposable(domain) || h.Checker.Disposable(transitional(email))) {
		return &Rejection{contract.ReasonDisposableEmail, MsgDisposableEmail}
	}
	return nil
}

// ValidAddress reports whether email is a bare address (no display name or
// comments) within RFC 5321's lengths whose domain is a DNS host name with at
// least two labels, and returns the domain in the form mail systems resolve
// it: mapped by IDNA UTS #46 (lookup profile: case folded, full-width forms
// and ideographic full stops to ASCII, invisible characters such as the
// soft hyphen removed) and then A-labels (xn--), lower case. A domain that
// cannot be mapped is not valid, so "mai\u00ADlinator.com" is checked as
// mailinator.com and "ｍａｉｌｉｎａｔｏｒ．ｃｏｍ" too.
// Source: https://www.unicode.org/reports/tr46/ (golang.org/x/net/idna)
func ValidAddress(email string) (domain string, ok bool) {
	if len(email) > maxAddressLength {
		return "", false
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Name != "" || addr.Address != email {
		return "", false
	}
	at := strings.LastIndexByte(email, '@')
	local := email[:at]
	domain, err = idnaLookup.ToASCII(email[at+1:])
	if err != nil || len(local) == 0 || len(local) > maxLocalLength || !hostName(domain) {
		return "", false
	}
	return domain, true
}

// transitional is the domain of a valid address as UTS #46 transitional
// processing (IDNA2003's) maps it: the deviation characters ß, ς, ZWJ and
// ZWNJ become ss, σ or nothing, where nontransitional processing keeps
// them. Mail clients of either kind exist, so a listed domain spelled with
// a deviation character (e.g. ß for ss) is checked in both forms; "" when
// the domain does not map.
func transitional(email string) string {
	d, err := idnaTransitional.ToASCII(email[strings.LastIndexByte(email, '@')+1:])
	if err != nil {
		return ""
	}
	return d
}

var idnaTransitional = idna.New(idna.MapForLookup(), idna.Transitional(true), idna.BidiRule(), idna.ValidateLabels(true), idna.StrictDomainName(true))

// idnaLookup maps a domain for lookup (UTS #46 nontransitional, with the
// bidi and joiner rules) and refuses what is not a valid host name.
var idnaLookup = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.BidiRule(), idna.ValidateLabels(true), idna.StrictDomainName(true))

func hostName(d string) bool {
	if len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false // ASCII after mapping: A-labels for the rest
			}
		}
	}
	return true
}

func domainOf(email string) string {
	if at := strings.LastIndexByte(email, '@'); at >= 0 && len(email)-at < 260 {
		return strings.ToLower(email[at+1:])
	}
	return ""
}

// FromEnv builds a Handler configured by the environment; invoker calls
// the hook named by contract.EnvHookFunction, when there is one.
func FromEnv(getenv func(string) string, invoker hook.Invoker, m *telemetry.Metrics, log *slog.Logger) *Handler {
	h := &Handler{
		Checker: disposable.NewChecker(splitList(getenv(contract.EnvDenyDomains)), splitList(getenv(contract.EnvAllowDomains))),
		Metrics: m,
		Log:     log,
	}
	if fn := getenv(contract.EnvHookFunction); fn != "" {
		h.Hook = &hook.Hook{Function: fn, Client: invoker}
	}
	return h
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
