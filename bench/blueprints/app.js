// One EKS cluster from cdk-eks-blueprints with its default add-ons, synthesized
// in-process like `cdk synth` does. Whole-process time is what the bench compares.
const { App } = require('aws-cdk-lib');
const blueprints = require('@aws-quickstart/eks-blueprints');

const outdir = process.env.CDK_OUTDIR || 'cdk.out';
const app = new App({ outdir });
blueprints.EksBlueprint.builder()
  .account('111122223333')
  .region('eu-west-1')
  .version('auto')
  .build(app, 'blueprints-one-cluster');
app.synth();
