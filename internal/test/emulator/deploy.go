package emulator

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// Deployment is a deployed stack.
type Deployment struct {
	// StackName and StackID of the stack.
	StackName, StackID string
	// Outputs by output key (the keys of `cdk deploy --outputs-file`).
	Outputs map[string]string
	// Region the stack was deployed in: its environment's, else the config's.
	Region string
	// Took is how long the deployment took (assets and stack).
	Took time.Duration
	// Removed are the resources the emulator lacks, taken out of the
	// template (Unsupported), as "LogicalId (Type)".
	Removed []string
	// Dependencies are the stacks deployed first, as cdk deploy does.
	Dependencies []*Deployment
}

// Unsupported are the resource types the emulator (ministack) does not
// provide, which Deploy removes from a template before it deploys it, with
// every DependsOn on them; a template that references them otherwise is an
// error. Each is something nothing else in the stack reads:
//
//   - AWS::Cognito::ManagedLoginBranding, managed login's per-client style
//     (ministack refuses the template: "Unrecognized resource types").
var Unsupported = []string{"AWS::Cognito::ManagedLoginBranding"}

// Deploy deploys the stack artifact stackName of the cloud assembly in dir (cdk.out)
// with cfg's account as `cdk deploy` would, after the stacks it depends on
// (a certificate stack), each in its own region:
//
//  1. the parts of `cdk bootstrap` a deployment reads: the assets bucket
//     and the bootstrap version parameter the stack artifact names;
//  2. every file asset of the stack's asset manifest to its destination
//     (directories zipped, file modes kept, so bootstrap stays executable);
//  3. the template through CloudFormation from its S3 asset (path-style
//     URL), with the capabilities cdk passes and the stack's tags; an
//     existing stack is updated. The template is unchanged but for the
//     Unsupported resources, listed in Deployment.Removed.
//
// It waits, at most timeout per stack, for the stack to settle and returns
// its outputs; a failure names every resource that failed and why.
func Deploy(ctx context.Context, cfg aws.Config, dir, stackName string, timeout time.Duration) (*Deployment, error) {
	return deploy(ctx, cfg, dir, stackName, timeout, map[string]bool{})
}

func deploy(ctx context.Context, cfg aws.Config, dir, stackName string, timeout time.Duration, seen map[string]bool) (*Deployment, error) {
	if seen[stackName] {
		return nil, fmt.Errorf("emulator: stack %s depends on itself", stackName)
	}
	seen[stackName] = true
	start := time.Now()
	art, err := readAssembly(dir, stackName)
	if err != nil {
		return nil, err
	}
	var deps []*Deployment
	for _, dep := range art.stackDependencies {
		d, err := deploy(ctx, cfg, dir, dep, timeout, seen)
		if err != nil {
			return nil, fmt.Errorf("emulator: %s depends on %s: %w", stackName, dep, err)
		}
		deps = append(deps, d)
	}
	if art.region != "" {
		cfg = cfg.Copy()
		cfg.Region = art.region
	}
	vars := strings.NewReplacer("${AWS::AccountId}", Account, "${AWS::Region}", cfg.Region, "${AWS::Partition}", "aws")
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if err := bootstrap(ctx, cfg, s3c, art, vars); err != nil {
		return nil, fmt.Errorf("emulator: bootstrap: %w", err)
	}
	for _, a := range art.assets {
		if err := publish(ctx, s3c, dir, a, vars); err != nil {
			return nil, fmt.Errorf("emulator: asset %s: %w", a.name, err)
		}
	}
	bucket, key, ok := strings.Cut(strings.TrimPrefix(vars.Replace(art.templateURL), "s3://"), "/")
	if !ok {
		return nil, fmt.Errorf("emulator: stack template URL %q is not s3://BUCKET/KEY", art.templateURL)
	}
	tpl, err := os.ReadFile(filepath.Join(dir, art.templateFile))
	if err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	stripped, removed, err := removeUnsupported(tpl)
	if err != nil {
		return nil, fmt.Errorf("emulator: %s: %w", art.templateFile, err)
	}
	if len(removed) > 0 {
		if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(stripped)}); err != nil {
			return nil, fmt.Errorf("emulator: template: %w", err)
		}
	}
	// The path-style HTTPS form of the object, which cdk deploy passes too
	// (the emulator reads the bucket and key from the path; the host is
	// never resolved).
	templateURL := "https://s3." + cfg.Region + ".amazonaws.com/" + bucket + "/" + key
	cfn := cloudformation.NewFromConfig(cfg)
	id, err := createOrUpdate(ctx, cfn, art.stackName, templateURL, art.tags, timeout)
	if err != nil {
		return nil, err
	}
	outputs, err := wait(ctx, cfn, id, timeout)
	if err != nil {
		return nil, err
	}
	return &Deployment{StackName: art.stackName, StackID: id, Region: cfg.Region, Outputs: outputs, Took: time.Since(start), Removed: removed, Dependencies: deps}, nil
}

// removeUnsupported removes the Unsupported resources of the template
// tpl and the DependsOn entries that name them; it returns the template
// unchanged when there are none, and the removed "LogicalId (Type)".
func removeUnsupported(tpl []byte) ([]byte, []string, error) {
	var doc map[string]interface{}
	if err := json.Unmarshal(tpl, &doc); err != nil {
		return nil, nil, err
	}
	resources, _ := doc["Resources"].(map[string]interface{})
	gone := map[string]bool{}
	var removed []string
	for _, id := range slices.Sorted(maps.Keys(resources)) {
		r, _ := resources[id].(map[string]interface{})
		if typ, _ := r["Type"].(string); slices.Contains(Unsupported, typ) {
			gone[id] = true
			removed = append(removed, id+" ("+typ+")")
			delete(resources, id)
		}
	}
	if len(gone) == 0 {
		return tpl, nil, nil
	}
	for _, r := range resources {
		r, _ := r.(map[string]interface{})
		switch d := r["DependsOn"].(type) {
		case string:
			if gone[d] {
				delete(r, "DependsOn")
			}
		case []interface{}:
			kept := slices.DeleteFunc(d, func(v interface{}) bool { s, _ := v.(string); return gone[s] })
			if len(kept) == 0 {
				delete(r, "DependsOn")
			} else {
				r["DependsOn"] = kept
			}
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, nil, err
	}
	for id := range gone {
		for _, ref := range []string{`{"Ref":"` + id + `"}`, `"Fn::GetAtt":["` + id + `"`, `${` + id + `}`, `${` + id + `.`} {
			if bytes.Contains(out, []byte(ref)) {
				return nil, nil, fmt.Errorf("%s, which the emulator lacks, is referenced (%s): the template cannot run there", id, ref)
			}
		}
	}
	return out, removed, nil
}

type asset struct {
	name      string
	path      string // relative to the assembly
	packaging string // "zip" or "file"
	bucket    string
	key       string
}

type stackArtifact struct {
	stackName    string // the CloudFormation stack name (may differ from the artifact id)
	region       string // the environment's region; "" when region-agnostic
	templateFile string // the template, relative to the assembly
	// stackDependencies are the artifact ids of the stacks to deploy first.
	stackDependencies []string
	templateURL       string // s3:// URL of the template asset, with ${AWS::...} placeholders
	ssmParameter      string // the bootstrap version parameter
	version           int    // the bootstrap version the stack requires
	tags              map[string]string
	assets            []asset
}

// readAssembly reads what Deploy needs of the cloud assembly's manifest.json
// and the stack's asset manifest.
// Format: https://github.com/aws/aws-cdk-cli/tree/main/packages/@aws-cdk/cloud-assembly-schema
func readAssembly(dir, stackName string) (*stackArtifact, error) {
	var manifest struct {
		Artifacts map[string]struct {
			Type         string          `json:"type"`
			Environment  string          `json:"environment"`
			Properties   json.RawMessage `json:"properties"`
			Dependencies []string        `json:"dependencies"`
		} `json:"artifacts"`
	}
	if err := readJSON(filepath.Join(dir, "manifest.json"), &manifest); err != nil {
		return nil, err
	}
	var names []string
	for id, a := range manifest.Artifacts {
		if a.Type != "aws:cloudformation:stack" {
			continue
		}
		names = append(names, id)
		if id != stackName {
			continue
		}
		var props struct {
			StackName                         string            `json:"stackName"`
			StackTemplateAssetObjectURL       string            `json:"stackTemplateAssetObjectUrl"`
			RequiresBootstrapStackVersion     int               `json:"requiresBootstrapStackVersion"`
			BootstrapStackVersionSsmParameter string            `json:"bootstrapStackVersionSsmParameter"`
			Tags                              map[string]string `json:"tags"`
			TemplateFile                      string            `json:"templateFile"`
		}
		if err := json.Unmarshal(a.Properties, &props); err != nil {
			return nil, fmt.Errorf("emulator: manifest.json: %s: %w", id, err)
		}
		if props.StackName == "" {
			props.StackName = id
		}
		if props.StackTemplateAssetObjectURL == "" {
			return nil, fmt.Errorf("emulator: %s has no template asset (synthesize with the default stack synthesizer)", id)
		}
		art := &stackArtifact{
			stackName:    props.StackName,
			templateURL:  props.StackTemplateAssetObjectURL,
			ssmParameter: props.BootstrapStackVersionSsmParameter,
			version:      props.RequiresBootstrapStackVersion,
			tags:         props.Tags,
			templateFile: props.TemplateFile,
		}
		// aws://ACCOUNT/REGION, with unknown-region when region-agnostic
		if i := strings.LastIndex(a.Environment, "/"); i >= 0 && a.Environment[i+1:] != "unknown-region" {
			art.region = a.Environment[i+1:]
		}
		for _, dep := range a.Dependencies {
			d, ok := manifest.Artifacts[dep]
			if ok && d.Type == "aws:cloudformation:stack" {
				art.stackDependencies = append(art.stackDependencies, dep)
				continue
			}
			if !ok || d.Type != "cdk:asset-manifest" {
				continue
			}
			var p struct {
				File string `json:"file"`
			}
			if err := json.Unmarshal(d.Properties, &p); err != nil {
				return nil, err
			}
			assets, err := readAssets(filepath.Join(dir, p.File))
			if err != nil {
				return nil, err
			}
			art.assets = append(art.assets, assets...)
		}
		return art, nil
	}
	sort.Strings(names)
	return nil, fmt.Errorf("emulator: no stack %q in %s (stacks: %s)", stackName, dir, strings.Join(names, ", "))
}

func readAssets(path string) ([]asset, error) {
	var doc struct {
		Files map[string]struct {
			Source struct {
				Path      string `json:"path"`
				Packaging string `json:"packaging"`
			} `json:"source"`
			Destinations map[string]struct {
				BucketName string `json:"bucketName"`
				ObjectKey  string `json:"objectKey"`
			} `json:"destinations"`
		} `json:"files"`
		DockerImages map[string]json.RawMessage `json:"dockerImages"`
	}
	if err := readJSON(path, &doc); err != nil {
		return nil, err
	}
	if len(doc.DockerImages) > 0 {
		return nil, fmt.Errorf("emulator: %s has container image assets, which Deploy does not publish", path)
	}
	var out []asset
	for _, name := range slices.Sorted(maps.Keys(doc.Files)) {
		f := doc.Files[name]
		for _, d := range f.Destinations {
			out = append(out, asset{name: name, path: f.Source.Path, packaging: f.Source.Packaging, bucket: d.BucketName, key: d.ObjectKey})
		}
	}
	return out, nil
}

func bootstrap(ctx context.Context, cfg aws.Config, s3c *s3.Client, art *stackArtifact, vars *strings.Replacer) error {
	buckets := map[string]bool{}
	for _, a := range art.assets {
		buckets[vars.Replace(a.bucket)] = true
	}
	for b := range buckets {
		in := &s3.CreateBucketInput{Bucket: aws.String(b)}
		if cfg.Region != "us-east-1" {
			in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(cfg.Region)}
		}
		_, err := s3c.CreateBucket(ctx, in)
		var owned *s3types.BucketAlreadyOwnedByYou
		if err != nil && !errors.As(err, &owned) {
			return err
		}
	}
	if art.ssmParameter == "" {
		return nil
	}
	_, err := ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(art.ssmParameter), Value: aws.String(strconv.Itoa(art.version)),
		Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(true),
	})
	return err
}

func publish(ctx context.Context, s3c *s3.Client, dir string, a asset, vars *strings.Replacer) error {
	src := filepath.Join(dir, a.path)
	var body []byte
	var err error
	switch a.packaging {
	case "file":
		body, err = os.ReadFile(src)
	case "zip":
		body, err = zipDir(src)
	default:
		return fmt.Errorf("packaging %q is not supported", a.packaging)
	}
	if err != nil {
		return err
	}
	_, err = s3c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(vars.Replace(a.bucket)), Key: aws.String(vars.Replace(a.key)), Body: bytes.NewReader(body),
	})
	return err
}

// zipDir zips the files under dir with their modes, as cdk does for a
// directory asset.
func zipDir(dir string) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		h, err := zip.FileInfoHeader(info)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		h.Name, h.Method = filepath.ToSlash(rel), zip.Deflate
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(w, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func createOrUpdate(ctx context.Context, cfn *cloudformation.Client, name, templateURL string, tags map[string]string, timeout time.Duration) (string, error) {
	caps := []cfntypes.Capability{cfntypes.CapabilityCapabilityIam, cfntypes.CapabilityCapabilityNamedIam, cfntypes.CapabilityCapabilityAutoExpand}
	var cfnTags []cfntypes.Tag
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		cfnTags = append(cfnTags, cfntypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	existing, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err == nil && len(existing.Stacks) == 1 {
		st := existing.Stacks[0]
		id := aws.ToString(st.StackId)
		switch st.StackStatus {
		case cfntypes.StackStatusDeleteComplete:
		case cfntypes.StackStatusCreateFailed, cfntypes.StackStatusRollbackComplete, cfntypes.StackStatusRollbackFailed:
			// A stack that never came up cannot be updated; as cdk deploy
			// does, delete it and create it anew.
			if _, err := cfn.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(id)}); err != nil {
				return "", fmt.Errorf("emulator: delete failed stack %s: %w", name, err)
			}
			// The waiter's default first poll is after 30 seconds; the emulator deletes in milliseconds.
			waiter := cloudformation.NewStackDeleteCompleteWaiter(cfn, func(o *cloudformation.StackDeleteCompleteWaiterOptions) {
				o.MinDelay, o.MaxDelay = 250*time.Millisecond, 2*time.Second
			})
			if err := waiter.Wait(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(id)}, timeout); err != nil {
				return "", fmt.Errorf("emulator: delete failed stack %s: %w", name, err)
			}
		default:
			_, err := cfn.UpdateStack(ctx, &cloudformation.UpdateStackInput{
				StackName: aws.String(id), TemplateURL: aws.String(templateURL), Capabilities: caps, Tags: cfnTags,
			})
			if err != nil && strings.Contains(err.Error(), "No updates are to be performed") {
				return id, nil
			}
			if err != nil {
				return "", fmt.Errorf("emulator: update %s: %w", name, err)
			}
			return id, nil
		}
	}
	out, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{
		StackName: aws.String(name), TemplateURL: aws.String(templateURL), Capabilities: caps, Tags: cfnTags,
		OnFailure: cfntypes.OnFailureDoNothing, // keep what failed for the report
	})
	if err != nil {
		return "", fmt.Errorf("emulator: create %s: %w", name, err)
	}
	return aws.ToString(out.StackId), nil
}

// wait polls the stack until it settles.
func wait(ctx context.Context, cfn *cloudformation.Client, id string, timeout time.Duration) (map[string]string, error) {
	deadline := time.Now().Add(timeout)
	for {
		out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(id)})
		if err != nil {
			return nil, err
		}
		if len(out.Stacks) != 1 {
			return nil, fmt.Errorf("emulator: stack %s not found", id)
		}
		st := out.Stacks[0]
		status := string(st.StackStatus)
		switch {
		case status == "CREATE_COMPLETE" || status == "UPDATE_COMPLETE":
			outputs := map[string]string{}
			for _, o := range st.Outputs {
				outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
			}
			return outputs, nil
		case !strings.HasSuffix(status, "_IN_PROGRESS"):
			return nil, fmt.Errorf("emulator: stack %s is %s (%s)%s", aws.ToString(st.StackName), status,
				aws.ToString(st.StackStatusReason), failures(ctx, cfn, id))
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("emulator: stack %s still %s after %s%s", id, status, timeout, failures(ctx, cfn, id))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// failures lists the resources that failed, with CloudFormation's reason.
func failures(ctx context.Context, cfn *cloudformation.Client, id string) string {
	var b strings.Builder
	p := cloudformation.NewDescribeStackEventsPaginator(cfn, &cloudformation.DescribeStackEventsInput{StackName: aws.String(id)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "\n  (events unavailable: " + err.Error() + ")"
		}
		for _, e := range page.StackEvents {
			if strings.HasSuffix(string(e.ResourceStatus), "_FAILED") {
				fmt.Fprintf(&b, "\n  %s %s (%s): %s", e.ResourceStatus, aws.ToString(e.LogicalResourceId),
					aws.ToString(e.ResourceType), aws.ToString(e.ResourceStatusReason))
			}
		}
	}
	return b.String()
}

func readJSON(path string, v interface{}) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("emulator: %s: %w", path, err)
	}
	return nil
}
